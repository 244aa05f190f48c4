// Ends running jobs whose lease ran out (their node stopped heartbeating) with `node_lost`, so
// no job stays "running" forever. With `nodeId` it instead ends every job that node held: a
// node restarting after a crash knows its old processes are gone. Lease time is database time.

import { sql } from "kysely";
import { OUTCOMES } from "@trawler/core";
import type { Store } from "../../store/database.ts";

export async function reapExpired(store: Store, opts: { nodeId?: string } = {}): Promise<{ id: number; pid: number | null }[]> {
  return store.db.transaction().execute(async (trx) => {
    let q = trx
      .updateTable("jobs")
      .set({ state: "finished", outcome: OUTCOMES.nodeLost, finished_at: store.now(), lease_expires_at: null })
      .where("state", "=", "running");
    q = opts.nodeId
      ? q.where("node_id", "=", opts.nodeId)
      : q.where("lease_expires_at", "<", sql<number>`${store.now()}`);
    const reaped = await q.returning(["id", "attempt", "pid"]).execute();
    for (const job of reaped)
      await trx
        .updateTable("job_runs")
        .set({ finished_at: store.now(), outcome: OUTCOMES.nodeLost })
        .where("job_id", "=", job.id)
        .where("attempt", "=", job.attempt)
        .execute();
    return reaped.map((r) => ({ id: r.id, pid: r.pid }));
  });
}
