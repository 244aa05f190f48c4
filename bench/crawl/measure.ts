// Runs a command under GNU time for its peak RSS and CPU seconds.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Measured {
  code: number | null;
  wallS: number;
  peakRssMb: number;
  cpuS: number;
  stdout: string;
  stderr: string;
}

export async function measure(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutS?: number },
): Promise<Measured> {
  const timeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-time-")), "t");
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%M %U %S", "-o", timeFile, cmd, ...args], {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-200_000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), (opts.timeoutS ?? 900) * 1000);
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  clearTimeout(timer);
  const wallS = (performance.now() - started) / 1000;
  const [rssKb = 0, user = 0, sys = 0] = (fs.readFileSync(timeFile, "utf8").trim().split("\n").pop() ?? "")
    .split(" ")
    .map(Number);
  fs.rmSync(path.dirname(timeFile), { recursive: true, force: true });
  return { code, wallS, peakRssMb: rssKb / 1024, cpuS: user + sys, stdout, stderr };
}
