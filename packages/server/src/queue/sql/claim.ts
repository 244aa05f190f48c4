// Claims up to `limit` pending jobs for `nodeId`, highest priority first and FIFO inside a
// priority, as leases that expire `leaseTtlMs` after the database's now. Each claim bumps the
// job's attempt; every later write for the job names that attempt and is refused once it is
// no longer current (fencing).
//
// PostgreSQL: `FOR UPDATE SKIP LOCKED` lets many workers claim at once without waiting on or
// double-taking a row. SQLite: one statement is atomic and writers are serialised, so the
// same UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING cannot hand a job out twice.

import { sql } from "kysely";
import type { Store } from "../../store/database.ts";
import type { JobsTable } from "../../store/schema.ts";
import type { Selectable } from "kysely";

export type JobRow = Selectable<JobsTable>;

export async function claim(store: Store, nodeId: string, limit: number, leaseTtlMs: number): Promise<JobRow[]> {
  if (limit <= 0) return [];
  const lock = store.dialect === "postgres" ? sql`for update skip locked` : sql``;
  return store.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("jobs")
      .set((eb) => ({
        state: "running",
        attempt: eb("attempt", "+", 1),
        node_id: nodeId,
        lease_expires_at: sql<number>`${store.now()} + ${leaseTtlMs}`,
        started_at: eb.fn.coalesce("started_at", store.now()),
        last_activity_at: store.now(),
        cancel_requested_at: null,
        exit_code: null,
        exit_signal: null,
      }))
      .where(
        "id",
        "in",
        sql<number>`(select id from jobs where state = 'pending' order by priority desc, queued_at, id limit ${limit} ${lock})`,
      )
      .where("state", "=", "pending")
      .returningAll()
      .execute();
    claimed.sort((a, b) => b.priority - a.priority || a.queued_at - b.queued_at || a.id - b.id);
    if (claimed.length)
      await trx
        .insertInto("job_runs")
        .values(claimed.map((j) => ({ job_id: j.id, attempt: j.attempt, node_id: nodeId, started_at: store.now() })))
        .execute();
    return claimed;
  });
}
