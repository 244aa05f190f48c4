// Cancels a job. Pending: it becomes `finished`/`cancelled` at once and never starts (the
// compare-and-set on state means a claim racing with the cancel wins or loses cleanly).
// Running: records the request; the worker holding the lease stops the spider and sets the
// outcome. Returns what happened so the API can answer truthfully.

import { OUTCOMES } from "@trawler/core";
import type { Store } from "../../store/database.ts";
import { recordOutcomeDeliveries } from "../../alerts/outbox.ts";

export type CancelResult = "cancelled" | "stopping" | "already_finished" | "not_found";

export async function cancel(store: Store, jobId: number): Promise<CancelResult> {
  return store.db.transaction().execute(async (trx) => {
    const pending = await trx
      .updateTable("jobs")
      .set({ state: "finished", outcome: OUTCOMES.cancelled, finished_at: store.now() })
      .where("id", "=", jobId)
      .where("state", "in", ["pending", "paused"])
      .returning(["id", "project_id"])
      .executeTakeFirst();
    if (pending) {
      await recordOutcomeDeliveries(trx, { id: pending.id, projectId: pending.project_id, outcome: OUTCOMES.cancelled }, store.now());
      return "cancelled";
    }
    const running = await trx
      .updateTable("jobs")
      .set((eb) => ({ cancel_requested_at: eb.fn.coalesce("cancel_requested_at", store.now()) }))
      .where("id", "=", jobId)
      .where("state", "=", "running")
      .returning("id")
      .executeTakeFirst();
    if (running) return "stopping";
    const exists = await trx.selectFrom("jobs").select("state").where("id", "=", jobId).executeTakeFirst();
    return exists ? "already_finished" : "not_found";
  });
}
