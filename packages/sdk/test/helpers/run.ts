// Runs a spider file the way the platform does: a child process with the SDK loader, the
// contract's environment, and a named pipe read as the message channel.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseChannelLine, type ChannelMessage } from "@trawler/core";
import { REGISTER_PATH, RUN_SPIDER_PATH } from "../../src/crawl-command.ts";

export interface Run {
  child: ChildProcess;
  messages: ChannelMessage[];
  /** Resolves with the exit code once the process ended and the channel is fully read. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves when `predicate` holds for the messages read so far. */
  until(predicate: (m: ChannelMessage[]) => boolean): Promise<void>;
  /** Stops reading the channel, as a worker that died would. */
  closeChannel(): void;
}

export function tempDir(prefix = "trawler-sdk-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function runSpider(
  file: string,
  opts: { spider?: string; args?: Record<string, string>; settings?: Record<string, unknown>; jobDir?: string } = {},
): Run {
  const dir = tempDir("trawler-fifo-");
  const fifo = path.join(dir, "channel");
  execFileSync("mkfifo", [fifo]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TRAWLER_FIFO: fifo,
    TRAWLER_ARGS: JSON.stringify(opts.args ?? {}),
    TRAWLER_SETTINGS: JSON.stringify({ LOGSTATS_INTERVAL: 0, ...opts.settings }),
    TRAWLER_SPIDER: opts.spider ?? "",
  };
  if (opts.jobDir) env.TRAWLER_JOB_DIR = opts.jobDir;
  const child = spawn(process.execPath, ["--import", REGISTER_PATH, RUN_SPIDER_PATH, file], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const messages: ChannelMessage[] = [];
  const waiters: Array<() => void> = [];
  let rest = "";
  // Opening the read side unblocks the writer; O_RDWR would keep it open forever, so plain read.
  const reader = fs.createReadStream(fifo, { encoding: "utf8" });
  reader.on("data", (chunk: string | Buffer) => {
    const lines = (rest + chunk.toString()).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line) messages.push(parseChannelLine(line));
    for (const w of waiters.splice(0)) w();
  });
  const readerDone = new Promise<void>((resolve) => reader.on("close", resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const done = exited.then(async (r) => {
    // A process that died before opening the pipe leaves the reader waiting: open it once to release it.
    const t = setTimeout(() => fs.open(fifo, "w", (err, fd) => !err && fs.close(fd, () => undefined)), 300);
    await readerDone;
    clearTimeout(t);
    fs.rmSync(dir, { recursive: true, force: true });
    return { ...r, stderr };
  });
  const until = (predicate: (m: ChannelMessage[]) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (predicate(messages) ? resolve() : waiters.push(check));
      void exited.then(() =>
        setTimeout(() => (predicate(messages) ? resolve() : reject(new Error(`run ended first: ${stderr}`))), 400),
      );
      check();
    });
  return { child, messages, done, until, closeChannel: () => reader.destroy() };
}

export function items(messages: ChannelMessage[]): Record<string, unknown>[] {
  return messages.flatMap((m) => (m.type === "ITM" ? [m.item] : []));
}

export function outcome(messages: ChannelMessage[]): string | undefined {
  for (const m of messages) if (m.type === "FIN") return m.outcome;
  return undefined;
}

export function lastStats(messages: ChannelMessage[]): Record<string, unknown> {
  let s: Record<string, unknown> = {};
  for (const m of messages) if (m.type === "STA") s = m.stats;
  return s;
}

export function fixture(name: string): string {
  return path.join(path.dirname(new URL(import.meta.url).pathname), "..", "fixtures", "spiders", name);
}
