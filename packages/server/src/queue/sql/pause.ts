// Pauses a job. Pending: it becomes paused at once and is not claimed until resumed. Running:
// records the request; the worker holding the lease stops the spider gracefully, keeping its
// job directory, and the run ends in `paused`. Compare-and-set on state, like every change.

import type { Store } from "../../store/database.ts";

export type PauseResult = "paused" | "pausing" | "not_pausable";

export async function pause(store: Store, jobId: number): Promise<PauseResult> {
  return store.db.transaction().execute(async (trx) => {
    const pending = await trx
      .updateTable("jobs")
      .set({ state: "paused" })
      .where("id", "=", jobId)
      .where("state", "=", "pending")
      .returning("id")
      .executeTakeFirst();
    if (pending) return "paused";
    const running = await trx
      .updateTable("jobs")
      .set({ stop_request: "pause" })
      .where("id", "=", jobId)
      .where("state", "=", "running")
      .where("cancel_requested_at", "is", null)
      .where((eb) => eb.or([eb("stop_request", "is", null), eb("stop_request", "=", "pause")]))
      .returning("id")
      .executeTakeFirst();
    return running ? "pausing" : "not_pausable";
  });
}
