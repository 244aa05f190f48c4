// Creates a pending job. Parameters: project, spider, version, priority, args, settings, tags.
// The job number comes from the spider row's counter, incremented in the same transaction, so
// concurrent schedule calls always get distinct numbers (a row lock on PostgreSQL, the single
// writer on SQLite).

import type { Transaction } from "kysely";
import type { Store } from "../../store/database.ts";
import type { Database } from "../../store/schema.ts";

export interface EnqueueInput {
  projectId: number;
  spiderId: number;
  versionId: number;
  priority: number;
  args: Record<string, string>;
  settings: Record<string, unknown>;
  tags: string[];
  /** Job-level limits (JSON object of LimitOverrides). */
  limits?: Record<string, number>;
}

/** With `inTransaction`, the job is created inside the caller's transaction (a cron fire). */
export async function enqueue(store: Store, input: EnqueueInput, inTransaction?: Transaction<Database>) {
  if (inTransaction) return insertJob(store, input, inTransaction);
  return store.db.transaction().execute((trx) => insertJob(store, input, trx));
}

async function insertJob(store: Store, input: EnqueueInput, trx: Transaction<Database>) {
  {
    const counter = await trx
      .updateTable("spiders")
      .set((eb) => ({ next_job_number: eb("next_job_number", "+", 1) }))
      .where("id", "=", input.spiderId)
      .returning("next_job_number")
      .executeTakeFirstOrThrow();
    const job = await trx
      .insertInto("jobs")
      .values({
        project_id: input.projectId,
        spider_id: input.spiderId,
        number: counter.next_job_number - 1,
        version_id: input.versionId,
        state: "pending",
        priority: input.priority,
        args: JSON.stringify(input.args),
        settings: JSON.stringify(input.settings),
        tags: JSON.stringify(input.tags),
        limits: JSON.stringify(input.limits ?? {}),
        queued_at: store.now(),
        created_at: store.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (input.tags.length)
      await trx
        .insertInto("job_tags")
        .values(input.tags.map((tag) => ({ job_id: job.id, tag })))
        .execute();
    return job;
  }
}
