// Resumes a paused job: back to pending at the end of its priority's queue; its next run gets
// the same job directory, arguments and key, and continues the crawl.

import type { Store } from "../../store/database.ts";

export async function resume(store: Store, jobId: number): Promise<boolean> {
  const row = await store.db
    .updateTable("jobs")
    .set({ state: "pending", queued_at: store.now() })
    .where("id", "=", jobId)
    .where("state", "=", "paused")
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}
