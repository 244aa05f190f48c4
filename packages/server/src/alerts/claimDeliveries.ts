// Claims up to `limit` due webhook deliveries for sending. Parameters: limit, leaseMs. Each
// claim counts an attempt and pushes next_attempt_at out by the lease, so a server that dies
// mid-POST leaves the delivery to be retried once the lease runs out, by any server.
// PostgreSQL: candidates picked in a MATERIALIZED CTE with `FOR UPDATE SKIP LOCKED` (the same
// shape as queue/sql/claim.ts, for the same reason); SQLite: writers are serialised, a plain
// subquery is atomic. Recording the result is fenced by the attempt number (recordAttempt).

import { sql } from "kysely";
import type { Store } from "../store/database.ts";

export interface ClaimedDelivery {
  id: number;
  webhook_id: number;
  event: string;
  payload: string;
  attempts: number;
  log: string;
}

export async function claimDeliveries(store: Store, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const now = store.now();
  const statement =
    store.dialect === "postgres"
      ? sql<ClaimedDelivery>`
        with picked as materialized (
          select id from webhook_deliveries
          where state = 'pending' and next_attempt_at <= ${now}
          order by next_attempt_at, id
          limit ${limit}
          for update skip locked
        )
        update webhook_deliveries d
        set attempts = d.attempts + 1, next_attempt_at = ${now} + ${leaseMs}
        from picked where d.id = picked.id
        returning d.id, d.webhook_id, d.event, d.payload, d.attempts, d.log`
      : sql<ClaimedDelivery>`
        update webhook_deliveries
        set attempts = attempts + 1, next_attempt_at = ${now} + ${leaseMs}
        where id in (
          select id from webhook_deliveries
          where state = 'pending' and next_attempt_at <= ${now}
          order by next_attempt_at, id
          limit ${limit}
        )
        returning id, webhook_id, event, payload, attempts, log`;
  const { rows } = await statement.execute(store.db);
  return rows;
}

export interface AttemptResult {
  status: number | null;
  error: string | null;
  durationMs: number;
}

/** At most this many attempts are kept in a delivery's log (the oldest are dropped). */
const LOG_LIMIT = 20;

/**
 * Records one attempt: delivered on 2xx; otherwise retried after `retryBaseMs * 2^(attempt-1)`
 * (database time) until `maxAttempts`, then failed. Returns false if the attempt was no longer
 * current (the lease ran out and another server took the delivery).
 */
export async function recordAttempt(
  store: Store,
  d: ClaimedDelivery,
  r: AttemptResult,
  opts: { retryBaseMs: number; maxAttempts: number },
): Promise<boolean> {
  const ok = r.status !== null && r.status >= 200 && r.status < 300;
  const log = [...(JSON.parse(d.log) as unknown[]), { attempt: d.attempts, at: Date.now(), status: r.status, error: r.error, durationMs: r.durationMs }];
  const state = ok ? "delivered" : d.attempts >= opts.maxAttempts ? "failed" : "pending";
  const delay = opts.retryBaseMs * 2 ** Math.min(d.attempts - 1, 20);
  const res = await store.db
    .updateTable("webhook_deliveries")
    .set({
      state,
      last_status: r.status,
      last_error: r.error,
      log: JSON.stringify(log.slice(-LOG_LIMIT)),
      next_attempt_at: state === "pending" ? sql<number>`${store.now()} + ${delay}` : null,
      delivered_at: ok ? store.now() : null,
    })
    .where("id", "=", d.id)
    .where("attempts", "=", d.attempts)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
