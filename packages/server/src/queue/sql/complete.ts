// Ends a run: moves a running job to `finished` (or `paused`, or back to `pending` when a
// server shutdown requeues it) with its outcome, but only if the attempt is still current — a
// worker that lost its lease cannot overwrite what the reaper or another node decided.
// Returns false when refused.

import type { Store } from "../../store/database.ts";
import { recordOutcomeDeliveries } from "../../alerts/outbox.ts";

export interface RunEnd {
  jobId: number;
  attempt: number;
  outcome: string | null;
  exitCode: number | null;
  exitSignal: string | null;
  nextState?: "finished" | "paused" | "pending";
  peakRss?: number | null;
}

export async function complete(store: Store, end: RunEnd): Promise<boolean> {
  const nextState = end.nextState ?? "finished";
  const finished = nextState === "finished";
  return store.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("jobs")
      .set({
        state: nextState,
        outcome: finished ? end.outcome : null,
        finished_at: finished ? store.now() : null,
        exit_code: end.exitCode,
        exit_signal: end.exitSignal,
        lease_expires_at: null,
        pid: null,
        stop_request: null,
        cancel_requested_at: null,
      })
      .where("id", "=", end.jobId)
      .where("attempt", "=", end.attempt)
      .where("state", "=", "running")
      .returning(["id", "items_count", "project_id"])
      .executeTakeFirst();
    if (!row) return false;
    if (finished && end.outcome) await recordOutcomeDeliveries(trx, { id: row.id, projectId: row.project_id, outcome: end.outcome }, store.now());
    await trx
      .updateTable("job_runs")
      .set({
        finished_at: store.now(),
        exit_code: end.exitCode,
        exit_signal: end.exitSignal,
        outcome: end.outcome ?? nextState,
        items: row.items_count,
        peak_rss: end.peakRss ?? null,
      })
      .where("job_id", "=", end.jobId)
      .where("attempt", "=", end.attempt)
      .execute();
    return true;
  });
}
