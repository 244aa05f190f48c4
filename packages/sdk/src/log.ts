// Spider logger: every line goes to the sink (the platform channel or stderr) with a Python
// level, and counts into log_count/<LEVEL>.
import { LOG_LEVELS, levelName } from "@trawler/core";
import type { Stats } from "./stats.ts";

export type LogSink = (level: number, message: string) => void;

export class Logger {
  constructor(
    private readonly sink: LogSink,
    private readonly stats: Stats,
    readonly minLevel: number,
  ) {}

  log(level: number, message: string): void {
    if (level < this.minLevel) return;
    this.stats.inc(`log_count/${levelName(level)}`);
    this.sink(level, message);
  }

  debug(message: string): void {
    this.log(LOG_LEVELS.DEBUG, message);
  }

  info(message: string): void {
    this.log(LOG_LEVELS.INFO, message);
  }

  warning(message: string): void {
    this.log(LOG_LEVELS.WARNING, message);
  }

  warn(message: string): void {
    this.log(LOG_LEVELS.WARNING, message);
  }

  error(message: string, error?: unknown): void {
    this.log(LOG_LEVELS.ERROR, error === undefined ? message : `${message}\n${describeError(error)}`);
  }

  isEnabled(level: number): boolean {
    return level >= this.minLevel;
  }
}

/** A stack trace when there is one; `Traceback`-like text for the job log. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
