// The default way to learn which SDK spiders some files export: the SDK's own
// list-spiders script, run in a child process because importing a spider file runs
// the project's code. Contract: argv = absolute files; stdout's last line is
// {"spiders":[{"name","file","className"}],"errors":[{"file","message"}]}.

import { spawn } from "node:child_process";
import { sdkScripts } from "@trawler/core/paths";
import { TrawlerError } from "../errors.ts";

export interface SdkListing {
  spiders: { name: string; file: string; className?: string }[];
  errors: { file: string; message: string }[];
}
/** Receives absolute file paths; may answer with absolute or version-relative ones. */
export type SdkLister = (files: string[]) => Promise<SdkListing>;

export const { register: SDK_REGISTER, listSpiders: SDK_LIST_SPIDERS } = sdkScripts();

const TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 4 * 1024 * 1024;

export interface SdkListerOptions {
  timeoutMs?: number;
  /** The program and its first arguments; the files are appended. Defaults to the SDK script. */
  argv?: string[];
}

/** Lists through the SDK script, with cwd = versionDir, a 30 s timeout and none of the server's environment. */
export function createSdkLister(versionDir: string, options: SdkListerOptions = {}): SdkLister {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const [program, ...args] = options.argv ?? [process.execPath, "--import", SDK_REGISTER, SDK_LIST_SPIDERS];
  return (files) =>
    new Promise((resolve, reject) => {
      // detached: the child leads its own process group, so a timeout kills whatever it started.
      const child = spawn(program ?? process.execPath, [...args, ...files], {
        cwd: versionDir,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NODE_ENV: "production" },
      });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      child.stdout.setEncoding("utf8").on("data", (text: string) => {
        if (stdout.length < MAX_OUTPUT) stdout += text;
      });
      child.stderr.setEncoding("utf8").on("data", (text: string) => {
        stderr = (stderr + text).slice(-4096);
      });
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (timedOut)
          return reject(
            failed(
              `listing SDK spiders took longer than ${timeoutMs / 1000} s (a spider file may do work when imported)`,
            ),
          );
        const listing = lastListingLine(stdout);
        if (listing === undefined) {
          return reject(
            failed(
              `listing SDK spiders failed (exit ${code ?? signal}): ${stderr.trim().split("\n").slice(-5).join(" | ") || "no output"}`,
            ),
          );
        }
        resolve(listing);
      });
    });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

// Spider modules may print while being imported, so look for the last line that fits.
function lastListingLine(stdout: string): SdkListing | undefined {
  const lines = stdout.split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      const value = JSON.parse(line) as Partial<SdkListing>;
      if (Array.isArray(value.spiders) && Array.isArray(value.errors)) return value as SdkListing;
    } catch {
      // Not the listing line.
    }
  }
  return undefined;
}

const failed = (message: string): TrawlerError => new TrawlerError(400, "spider_discovery_failed", message);
