// Asks the worker running a job to stop it with a given outcome (e.g. `project_deleted`). The
// worker sees it at once through the in-process event, or at its next heartbeat.

import type { Store } from "../../store/database.ts";

export async function requestStop(store: Store, jobIds: number[], outcome: string): Promise<number[]> {
  if (jobIds.length === 0) return [];
  const rows = await store.db
    .updateTable("jobs")
    .set({ stop_request: outcome })
    .where("id", "in", jobIds)
    .where("state", "=", "running")
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}
