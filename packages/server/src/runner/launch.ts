// How a spider of a deployed version is started: an SDK spider runs on the worker's own copy of
// the SDK (a deployed project does not install it); a manifest spider runs its argv as given,
// never through a shell.

import path from "node:path";
import { sdkScripts } from "@trawler/core/paths";

const { register: SDK_REGISTER, runSpider: SDK_RUN_SPIDER } = sdkScripts();

export interface SpiderEntry {
  file?: string;
  command?: string[];
  className?: string;
  env?: Record<string, string>;
}

export function spiderArgv(runtime: string, entry: SpiderEntry, spiderName: string, versionDir: string): string[] {
  if (runtime === "sdk") {
    if (!entry.file) throw new Error(`SDK spider ${spiderName} has no file`);
    return [process.execPath, "--import", SDK_REGISTER, SDK_RUN_SPIDER, path.resolve(versionDir, entry.file), spiderName];
  }
  if (!entry.command?.length) throw new Error(`Spider ${spiderName} has no command`);
  return entry.command;
}

/** The spider's environment: the contract's variables and a few harmless basics, never the server's own. */
export function baseEnv(): Record<string, string> {
  const keep = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "NODE_OPTIONS"];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined && k !== "NODE_OPTIONS") env[k] = process.env[k]!;
  env.PYTHONUNBUFFERED = "1";
  return env;
}
