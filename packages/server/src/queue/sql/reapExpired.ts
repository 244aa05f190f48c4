// Ends running jobs whose lease ran out (their node stopped heartbeating), so no job stays
// "running" forever: with policy "fail" they end `node_lost`; with "requeue" they go back to
// the queue (their next run continues from the job directory). With `nodeId` it instead takes
// every job that node held: a node restarting after a crash knows its old processes are gone.
// Lease time is database time.

import { sql } from "kysely";
import { OUTCOMES } from "@trawler/core";
import type { Store } from "../../store/database.ts";
import { recordOutcomeDeliveries } from "../../alerts/outbox.ts";

export async function reapExpired(
  store: Store,
  opts: { nodeId?: string; policy?: "fail" | "requeue" } = {},
): Promise<{ id: number; pid: number | null; requeued: boolean }[]> {
  const requeue = opts.policy === "requeue";
  return store.db.transaction().execute(async (trx) => {
    let q = trx
      .updateTable("jobs")
      .set(
        requeue
          ? { state: "pending", lease_expires_at: null, pid: null }
          : { state: "finished", outcome: OUTCOMES.nodeLost, finished_at: store.now(), lease_expires_at: null },
      )
      .where("state", "=", "running");
    q = opts.nodeId ? q.where("node_id", "=", opts.nodeId) : q.where("lease_expires_at", "<", sql<number>`${store.now()}`);
    const reaped = await q.returning(["id", "attempt", "pid", "project_id"]).execute();
    for (const job of reaped) {
      if (!requeue) await recordOutcomeDeliveries(trx, { id: job.id, projectId: job.project_id, outcome: OUTCOMES.nodeLost }, store.now());
      await trx
        .updateTable("job_runs")
        .set({ finished_at: store.now(), outcome: OUTCOMES.nodeLost })
        .where("job_id", "=", job.id)
        .where("attempt", "=", job.attempt)
        .execute();
    }
    return reaped.map((r) => ({ id: r.id, pid: r.pid, requeued: requeue }));
  });
}
