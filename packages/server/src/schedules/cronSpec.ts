// Cron expressions (croner) evaluated against a given instant, never the process clock: callers
// pass the database's now, so every node computes the same slots (pg-boss does the same).

import { Cron } from "croner";
import { badRequest } from "../errors.ts";

export const OVERLAP_POLICIES = ["skip", "queue"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
export const MISFIRE_POLICIES = ["once", "skip"] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];

/**
 * A slot later than this when the loop reaches it counts as missed (the server was down or
 * stalled). One tick is 1 s, so on-time fires are at most ~1 s late; 5 s leaves room for a
 * slow database without turning normal jitter into misfires.
 */
export const MISFIRE_GRACE_MS = 5_000;

export interface CronSpec {
  cron: string;
  timezone: string;
}

function build(spec: CronSpec): Cron {
  // No callback: croner only computes times here; the firing loop decides when to act.
  return new Cron(spec.cron, { timezone: spec.timezone, mode: "5-or-6-parts" });
}

/** Checks an expression and timezone; throws 400 `invalid_cron` / `invalid_timezone`. */
export function checkCron(spec: CronSpec, now: number): void {
  try {
    new Intl.DateTimeFormat("en", { timeZone: spec.timezone });
  } catch {
    throw badRequest("invalid_timezone", `Unknown timezone ${JSON.stringify(spec.timezone)}; use an IANA name such as Europe/Paris or UTC`);
  }
  let next: Date | null;
  try {
    next = build(spec).nextRun(new Date(now));
  } catch (err) {
    throw badRequest("invalid_cron", `Invalid cron expression ${JSON.stringify(spec.cron)}: ${(err as Error).message}`);
  }
  if (!next) throw badRequest("invalid_cron", `The cron expression ${JSON.stringify(spec.cron)} never fires`);
}

/** The first slot strictly after `after` (ms), or null if there is none. */
export function nextFireAfter(spec: CronSpec, after: number): number | null {
  return build(spec).nextRun(new Date(after))?.getTime() ?? null;
}

/** The next `n` slots strictly after `after`, as ISO strings (the API's `nextFires`). */
export function nextFires(spec: CronSpec, after: number, n = 5): string[] {
  return build(spec)
    .nextRuns(n, new Date(after))
    .map((d) => d.toISOString());
}
