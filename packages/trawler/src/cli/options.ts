// Option parsers shared by the commands, and the way a command finds its server.

import { InvalidArgumentError, type Command } from "commander";
import { ApiClient } from "./client.ts";

export const DEFAULT_URL = "http://127.0.0.1:6800";

/** The client for the global `--url` (flag, else $TRAWLER_URL, else the local default). */
export function clientFor(cmd: Command): ApiClient {
  const { url } = cmd.optsWithGlobals<{ url?: string }>();
  return new ApiClient(url ?? DEFAULT_URL);
}

/**
 * Collects repeated `-a NAME=VALUE` into an object. The value may itself contain `=`; only the
 * first one splits. Commander prints the thrown message with the option and the bad value.
 */
export function collectKeyValue(raw: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = raw.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, e.g. -a category=books`);
  return { ...previous, [raw.slice(0, eq)]: raw.slice(eq + 1) };
}

export function collectList(raw: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), raw];
}

export function integerIn(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}
