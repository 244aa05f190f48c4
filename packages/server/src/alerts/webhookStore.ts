// Webhook rows and their delivery log, and the presenters that shape them for the API (the
// secret is never returned, only whether there is one).

import type { Store } from "../store/database.ts";
import { badRequest, notFound } from "../errors.ts";
import { formatJobKey } from "@trawler/core";
import type { WebhookRule } from "./rules.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export async function createWebhook(store: Store, input: { projectId: number; url: string; rule: WebhookRule; secret: string | null }) {
  const row = await store.db
    .insertInto("webhooks")
    .values({ project_id: input.projectId, url: input.url, rule: JSON.stringify(input.rule), secret: input.secret, created_at: store.now() })
    .returningAll()
    .executeTakeFirstOrThrow();
  return presentWebhook(row);
}

export async function getWebhook(store: Store, id: number) {
  const row = await store.db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("webhook_not_found", `No webhook ${id}`);
  return row;
}

export async function listWebhooks(store: Store, projectId: number) {
  const rows = await store.db.selectFrom("webhooks").selectAll().where("project_id", "=", projectId).orderBy("id").limit(1000).execute();
  return rows.map(presentWebhook);
}

export async function deleteWebhook(store: Store, id: number): Promise<void> {
  const res = await store.db.deleteFrom("webhooks").where("id", "=", id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound("webhook_not_found", `No webhook ${id}`);
}

/** Newest first; the cursor is the last delivery id of the previous page. */
export async function listDeliveries(store: Store, webhookId: number, limit: number, cursor?: string) {
  let q = store.db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("jobs", "jobs.id", "d.job_id")
    .selectAll("d")
    .select(["jobs.project_id", "jobs.spider_id", "jobs.number", "jobs.outcome"])
    .where("d.webhook_id", "=", webhookId)
    .orderBy("d.id", "desc")
    .limit(limit + 1);
  if (cursor !== undefined) {
    if (!/^\d{1,15}$/.test(cursor)) throw badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page");
    q = q.where("d.id", "<", Number(cursor));
  }
  const rows = await q.execute();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    deliveries: page.map((d) => ({
      id: d.id,
      webhookId: d.webhook_id,
      event: d.event,
      job: formatJobKey({ project: d.project_id, spider: d.spider_id, number: d.number }),
      outcome: d.outcome,
      state: d.state,
      attempts: d.attempts,
      lastStatus: d.last_status,
      lastError: d.last_error,
      nextAttemptAt: d.state === "pending" ? iso(d.next_attempt_at) : null,
      createdAt: iso(d.created_at),
      deliveredAt: iso(d.delivered_at),
      log: (JSON.parse(d.log) as { attempt: number; at: number; status: number | null; error: string | null; durationMs: number }[]).map((a) => ({
        ...a,
        at: iso(a.at),
      })),
    })),
    nextCursor: more ? String(page[page.length - 1]!.id) : null,
  };
}

export function presentWebhook(w: { id: number; project_id: number; url: string; rule: string; secret: string | null; created_at: number }) {
  return {
    id: w.id,
    projectId: w.project_id,
    url: w.url,
    rule: JSON.parse(w.rule) as WebhookRule,
    hasSecret: w.secret !== null,
    createdAt: iso(w.created_at),
  };
}
