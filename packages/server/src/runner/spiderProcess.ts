// Starts a spider in its own process group (so a signal reaches its grandchildren too) with a
// parent-death signal (so it dies with the worker even on SIGKILL), and stops it the way
// BullMQ's child supervision does: a signal to the group, a grace period, then SIGKILL.

import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const HAS_SETPRIV = fs.existsSync("/usr/bin/setpriv");

export interface SpiderProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<ExitStatus>;
  hasExited(): boolean;
  signal(sig: NodeJS.Signals): void;
}

export function startSpiderProcess(argv: string[], opts: { cwd: string; env: Record<string, string> }): SpiderProcess {
  const [cmd, ...args] = HAS_SETPRIV ? ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", ...argv] : argv;
  const child = spawn(cmd!, args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let done = false;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("error", () => {
      done = true;
      resolve({ code: 127, signal: null });
    });
    child.once("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  const pid = child.pid ?? -1;
  return {
    child,
    pid,
    exited,
    hasExited: () => done,
    signal(sig) {
      if (pid <= 0) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // The group is already gone.
      }
    },
  };
}

/** Whether any process of the group still exists (the leader may be gone while grandchildren live). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
