// Samples a spider's process tree from /proc: every process in its process group (the spider
// and whatever it started). CPU is the change in user+system time between two samples.

import fs from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ on Linux
const PAGE_SIZE = 4096;

export interface TreeSample {
  time: number;
  processes: number;
  rssBytes: number;
  cpuPercent: number;
  readBytes: number;
  writeBytes: number;
}

interface ProcStat {
  state: string;
  pgrp: number;
  ticks: number;
  rssPages: number;
}

function readStat(pid: string): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
  } catch {
    return undefined;
  }
}

function readIo(pid: string): { read: number; write: number } {
  try {
    const text = fs.readFileSync(`/proc/${pid}/io`, "utf8");
    return {
      read: Number(/read_bytes: (\d+)/.exec(text)?.[1] ?? 0),
      write: Number(/^write_bytes: (\d+)/m.exec(text)?.[1] ?? 0),
    };
  } catch {
    return { read: 0, write: 0 };
  }
}

export class ProcessTreeSampler {
  private lastTicks = 0;
  private lastTime = 0;
  /** Totals of processes that have exited, so cumulative figures never go backwards. */
  private seen = new Map<string, { ticks: number; read: number; write: number }>();

  /** Created as the process starts: its CPU time so far is counted from now. */
  constructor(private readonly pgid: number) {
    this.lastTime = Date.now();
  }

  sample(): TreeSample {
    const now = Date.now();
    let processes = 0;
    let rssPages = 0;
    const current = new Map<string, { ticks: number; read: number; write: number }>();
    for (const pid of fs.readdirSync("/proc")) {
      if (pid.charCodeAt(0) > 57) continue;
      const stat = readStat(pid);
      // A zombie is dead (its memory is gone); only its CPU time still counts, kept in `seen`.
      if (!stat || stat.pgrp !== this.pgid || stat.state === "Z") continue;
      processes++;
      rssPages += stat.rssPages;
      const io = readIo(pid);
      current.set(pid, { ticks: stat.ticks, read: io.read, write: io.write });
    }
    for (const [pid, v] of current) this.seen.set(pid, v);
    let ticks = 0;
    let read = 0;
    let write = 0;
    for (const v of this.seen.values()) {
      ticks += v.ticks;
      read += v.read;
      write += v.write;
    }
    const dt = this.lastTime ? (now - this.lastTime) / 1000 : 0;
    const cpuPercent = dt > 0 ? Math.max(0, ((ticks - this.lastTicks) / CLOCK_TICKS / dt) * 100) : 0;
    this.lastTicks = ticks;
    this.lastTime = now;
    return { time: now, processes, rssBytes: rssPages * PAGE_SIZE, cpuPercent, readBytes: read, writeBytes: write };
  }
}

/**
 * The kernel OOM killer's count for this process's memory cgroup (v2 `memory.events`, or v1
 * `memory.oom_control`), to tell a kernel OOM kill from a SIGKILL sent by anyone else.
 */
export function oomKillCount(): number | undefined {
  try {
    const lines = fs.readFileSync("/proc/self/cgroup", "utf8").trim().split("\n");
    const v1 = lines.find((l) => /^\d+:memory:/.test(l));
    const file = v1
      ? `/sys/fs/cgroup/memory${v1.slice(v1.indexOf(":memory:") + 8)}/memory.oom_control`
      : `/sys/fs/cgroup${(lines.find((l) => l.startsWith("0::")) ?? "0::/").slice(3)}/memory.events`;
    const m = /oom_kill (\d+)/.exec(fs.readFileSync(file.replace(/\/+/g, "/"), "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
