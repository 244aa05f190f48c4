// The webhook outbox. Called by the queue inside the transaction that ends a job (complete,
// reapExpired, cancel) with the job's outcome: it writes one pending delivery per matching
// webhook of the job's project. The delivery exists if and only if the outcome committed, so
// a crash can neither lose an alert nor announce an outcome that was rolled back; the delivery
// loop (deliver.ts) sends it afterwards, with retries.

import type { RawBuilder, Transaction } from "kysely";
import { formatJobKey } from "@trawler/core";
import type { Database } from "../store/schema.ts";
import { ruleMatches, type WebhookRule } from "./rules.ts";

export const JOB_FINISHED_EVENT = "job.finished";

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export async function recordOutcomeDeliveries(
  trx: Transaction<Database>,
  job: { id: number; projectId: number; outcome: string },
  now: RawBuilder<number>,
): Promise<void> {
  const hooks = await trx.selectFrom("webhooks").select(["id", "rule"]).where("project_id", "=", job.projectId).execute();
  const matching = hooks.filter((h) => ruleMatches(JSON.parse(h.rule) as WebhookRule, job.outcome));
  if (matching.length === 0) return;
  const row = await trx
    .selectFrom("jobs")
    .innerJoin("spiders", "spiders.id", "jobs.spider_id")
    .innerJoin("projects", "projects.id", "jobs.project_id")
    .select([
      "jobs.id",
      "jobs.project_id",
      "jobs.spider_id",
      "jobs.number",
      "jobs.state",
      "jobs.priority",
      "jobs.args",
      "jobs.tags",
      "jobs.items_count",
      "jobs.requests_count",
      "jobs.log_error",
      "jobs.log_critical",
      "jobs.exit_code",
      "jobs.exit_signal",
      "jobs.created_at",
      "jobs.started_at",
      "jobs.finished_at",
      "spiders.name as spider",
      "projects.name as project",
    ])
    .where("jobs.id", "=", job.id)
    .executeTakeFirst();
  if (!row) return;
  // The payload is fixed now, as the job was when it ended; later edits do not change history.
  const payload = JSON.stringify({
    event: JOB_FINISHED_EVENT,
    job: {
      key: formatJobKey({ project: row.project_id, spider: row.spider_id, number: row.number }),
      id: row.id,
      project: { id: row.project_id, name: row.project },
      spider: row.spider,
      outcome: job.outcome,
      state: row.state,
      priority: row.priority,
      args: JSON.parse(row.args) as unknown,
      tags: JSON.parse(row.tags) as unknown,
      items: Number(row.items_count),
      requests: Number(row.requests_count),
      errors: Number(row.log_error) + Number(row.log_critical),
      exitCode: row.exit_code,
      exitSignal: row.exit_signal,
      createdAt: iso(row.created_at),
      startedAt: iso(row.started_at),
      finishedAt: iso(row.finished_at),
    },
  });
  await trx
    .insertInto("webhook_deliveries")
    .values(
      matching.map((h) => ({
        webhook_id: h.id,
        job_id: job.id,
        event: JOB_FINISHED_EVENT,
        payload,
        state: "pending",
        next_attempt_at: now,
        created_at: now,
      })),
    )
    .execute();
}
