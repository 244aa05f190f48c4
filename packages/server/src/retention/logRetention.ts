// Deletes log lines older than the retention age (database time), in batches of `batch` rows,
// each its own short statement: on SQLite a single huge DELETE would hold the write lock and
// stall ingestion; here writers get a turn between batches. Uses the log_lines_time index.
// Items, requests and jobs are kept until deleted by a user. Delivered or failed webhook
// deliveries older than the same age go too, so the outbox does not grow without bound.

import { sql } from "kysely";
import type { Store } from "../store/database.ts";

const DAY_MS = 86_400_000;

export async function deleteOldLogLines(store: Store, retentionDays: number, batch = 5000): Promise<number> {
  if (retentionDays <= 0) return 0;
  const cutoff = sql<number>`${store.now()} - ${retentionDays * DAY_MS}`;
  let total = 0;
  for (;;) {
    const { numAffectedRows } = await sql`
      delete from log_lines where (job_id, seq) in (
        select job_id, seq from log_lines where time < ${cutoff} limit ${batch}
      )`.execute(store.db);
    const n = Number(numAffectedRows ?? 0);
    total += n;
    if (n < batch) break;
    await new Promise((r) => setImmediate(r));
  }
  await store.db
    .deleteFrom("webhook_deliveries")
    .where("state", "in", ["delivered", "failed"])
    .where("created_at", "<", cutoff)
    .execute();
  return total;
}
