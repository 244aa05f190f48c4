// `trawler logs KEY [-f] [--level L] [--after SEQ]`: one `time LEVEL message` line per log line.
// Without -f it pages through /logs; with -f it follows /logs/stream (SSE) until the job ends.

import type { Command } from "commander";
import { levelName, parseLevel } from "@trawler/core";
import type { ApiClient, LogLine } from "../client.ts";
import { ServerUnreachableError, UsageError } from "../errors.ts";
import { clientFor, integerIn } from "../options.ts";
import { readSse } from "../sse.ts";

interface LogsOptions {
  follow?: boolean;
  level?: string;
  after: number;
}

const PAGE = 5000;
// A followed stream that drops (server restart, proxy timeout) is resumed from the last line seen.
const MAX_RECONNECTS = 5;
const RECONNECT_DELAY_MS = 1000;

export function formatLogLine(line: LogLine): string {
  return `${line.time} ${levelName(line.level)} ${line.message}\n`;
}

async function printPages(client: ApiClient, key: string, after: number, level: string | undefined): Promise<void> {
  for (;;) {
    const page = await client.logs(key, { after, level, limit: PAGE });
    if (page.logs.length > 0) process.stdout.write(page.logs.map(formatLogLine).join(""));
    if (page.logs.length < PAGE) return;
    after = page.nextAfter;
  }
}

async function follow(client: ApiClient, key: string, after: number, level: string | undefined): Promise<void> {
  let failures = 0;
  let connected = false;
  for (;;) {
    let lastError: unknown;
    try {
      const res = await client.streamLogs(key, { after, level });
      if (!res.body) throw new Error("the log stream has no body");
      connected = true;
      for await (const ev of readSse(res.body)) {
        failures = 0;
        if (ev.event === "end") return;
        if (ev.event !== "log") continue;
        const line = JSON.parse(ev.data) as LogLine;
        process.stdout.write(formatLogLine(line));
        after = line.seq;
      }
    } catch (err) {
      // A server that went away mid-stream is retried; one that answers with an error, or
      // that was never there, is not.
      if (!connected || !(err instanceof ServerUnreachableError || isStreamBreak(err))) throw err;
      lastError = err;
    }
    // The stream ended without its `end` event: reconnect and continue after the last line.
    if (++failures > MAX_RECONNECTS)
      throw lastError ?? new Error("the log stream kept closing before the job finished");
    await new Promise((r) => setTimeout(r, RECONNECT_DELAY_MS));
  }
}

function isStreamBreak(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    /terminated|other side closed/i.test(String((err as { cause?: unknown }).cause ?? err.message))
  );
}

export function registerLogs(program: Command): void {
  program
    .command("logs")
    .description("print a job's log")
    .argument("<key>", "job key PROJECT/SPIDER/NUMBER")
    .option("-f, --follow", "keep printing new lines until the job finishes")
    .option("--level <level>", "minimum level: debug, info, warning, error, critical or 10-50")
    .option("--after <seq>", "only lines after this sequence number", integerIn(0, Number.MAX_SAFE_INTEGER), 0)
    .action(async (key: string, opts: LogsOptions, cmd: Command) => {
      if (opts.level !== undefined && parseLevel(opts.level) === undefined)
        throw new UsageError(
          `--level must be debug, info, warning, error, critical or 10-50, not ${JSON.stringify(opts.level)}`,
        );
      const client = clientFor(cmd);
      if (opts.follow) await follow(client, key, opts.after, opts.level);
      else await printPages(client, key, opts.after, opts.level);
    });
}
