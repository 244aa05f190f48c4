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

/**
 * Whether any live process of the group remains (the leader may be gone while grandchildren
 * live). Zombies do not count: they are dead, waiting for init to reap them.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  for (const pid of fs.readdirSync("/proc")) {
    if (pid.charCodeAt(0) > 57) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
    } catch {
      // exited while we looked
    }
  }
  return false;
}

/** SIGKILLs what is left of a group and waits (briefly) until nothing of it runs. */
export async function killGroup(pgid: number, waitMs = 2000): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (groupAlive(pgid)) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
