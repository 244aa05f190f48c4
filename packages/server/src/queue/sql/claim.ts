// Claims up to `limit` pending jobs for `nodeId`, highest priority first and FIFO inside a
// priority, as leases that expire `leaseTtlMs` after the database's now. Each claim bumps the
// job's attempt; every later write for the job names that attempt and is refused once it is
// no longer current (fencing).
//
// PostgreSQL: the candidates are picked in a MATERIALIZED CTE with `FOR UPDATE SKIP LOCKED`,
// so many workers claim at once without waiting on or double-taking a row. (The tempting
// `WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` may be re-evaluated by the planner
// and update more than n rows: a node would exceed its slots — a test caught it.)
// SQLite: writers are serialised and one statement is atomic, so the plain subquery is safe.

import { sql, type Selectable } from "kysely";
import type { Store } from "../../store/database.ts";
import type { JobsTable } from "../../store/schema.ts";

export type JobRow = Selectable<JobsTable>;

function claimStatement(store: Store, nodeId: string, limit: number, leaseTtlMs: number) {
  const now = store.now();
  const set = sql`state = 'running', attempt = attempt + 1, node_id = ${nodeId},
      lease_expires_at = ${now} + ${leaseTtlMs}, started_at = coalesce(started_at, ${now}),
      last_activity_at = ${now}, cancel_requested_at = null, exit_code = null, exit_signal = null`;
  if (store.dialect === "postgres")
    return sql<JobRow>`
      with picked as materialized (
        select id from jobs where state = 'pending'
        order by priority desc, queued_at, id
        limit ${limit}
        for update skip locked
      )
      update jobs set ${set}
      from picked where jobs.id = picked.id and jobs.state = 'pending'
      returning jobs.*`;
  return sql<JobRow>`
    update jobs set ${set}
    where id in (select id from jobs where state = 'pending' order by priority desc, queued_at, id limit ${limit})
      and state = 'pending'
    returning *`;
}

export async function claim(store: Store, nodeId: string, limit: number, leaseTtlMs: number): Promise<JobRow[]> {
  if (limit <= 0) return [];
  return store.db.transaction().execute(async (trx) => {
    const { rows: claimed } = await claimStatement(store, nodeId, limit, leaseTtlMs).execute(trx);
    claimed.sort((a, b) => b.priority - a.priority || a.queued_at - b.queued_at || a.id - b.id);
    if (claimed.length)
      await trx
        .insertInto("job_runs")
        .values(claimed.map((j) => ({ job_id: j.id, attempt: j.attempt, node_id: nodeId, started_at: store.now() })))
        .execute();
    return claimed;
  });
}
