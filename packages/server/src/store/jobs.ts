// Reading jobs and their data: lookups by key, keyset-paginated lists, pages of logs, items
// and requests. Writes go through queue/sql (state changes) and store/ingest (data).

import { formatJobKey, type JobKey } from "@trawler/core";
import type { Store } from "./database.ts";
import { notFound, badRequest } from "../errors.ts";
import type { JobRow } from "../queue/sql/claim.ts";

export type JobWithSpider = JobRow & { spider_name: string };

export async function getJobByKey(store: Store, key: JobKey): Promise<JobWithSpider> {
  const job = await store.db
    .selectFrom("jobs")
    .innerJoin("spiders", "spiders.id", "jobs.spider_id")
    .selectAll("jobs")
    .select("spiders.name as spider_name")
    .where("jobs.project_id", "=", key.project)
    .where("jobs.spider_id", "=", key.spider)
    .where("jobs.number", "=", key.number)
    .executeTakeFirst();
  if (!job) throw notFound("job_not_found", `No job ${formatJobKey(key)}`);
  return job;
}

export async function getJobById(store: Store, id: number): Promise<JobWithSpider | undefined> {
  return store.db
    .selectFrom("jobs")
    .innerJoin("spiders", "spiders.id", "jobs.spider_id")
    .selectAll("jobs")
    .select("spiders.name as spider_name")
    .where("jobs.id", "=", id)
    .executeTakeFirst();
}

export interface JobFilter {
  projectId?: number;
  state?: string;
  spider?: string;
  tag?: string;
  outcome?: string;
  limit: number;
  cursor?: string;
}

/** Newest first; the cursor is the last job id of the previous page. */
export async function listJobs(store: Store, f: JobFilter) {
  let q = store.db
    .selectFrom("jobs")
    .innerJoin("spiders", "spiders.id", "jobs.spider_id")
    .selectAll("jobs")
    .select("spiders.name as spider_name")
    .orderBy("jobs.id", "desc")
    .limit(f.limit + 1);
  if (f.projectId !== undefined) q = q.where("jobs.project_id", "=", f.projectId);
  if (f.state) q = q.where("jobs.state", "=", f.state);
  if (f.outcome) q = q.where("jobs.outcome", "=", f.outcome);
  if (f.spider)
    q = /^\d+$/.test(f.spider) ? q.where("jobs.spider_id", "=", Number(f.spider)) : q.where("spiders.name", "=", f.spider);
  if (f.tag) {
    const tag = f.tag;
    q = q.where((eb) =>
      eb.exists(eb.selectFrom("job_tags").whereRef("job_tags.job_id", "=", "jobs.id").where("job_tags.tag", "=", tag).select("job_tags.job_id")),
    );
  }
  if (f.cursor !== undefined) {
    if (!/^\d{1,15}$/.test(f.cursor)) throw badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page");
    q = q.where("jobs.id", "<", Number(f.cursor));
  }
  const rows = await q.execute();
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  return { jobs: page, nextCursor: more ? String(page[page.length - 1]!.id) : null };
}

export async function listLogs(store: Store, jobId: number, after: number, limit: number, minLevel: number) {
  let q = store.db
    .selectFrom("log_lines")
    .select(["seq", "time", "level", "message"])
    .where("job_id", "=", jobId)
    .where("seq", ">", after)
    .orderBy("seq")
    .limit(limit);
  if (minLevel > 0) q = q.where("level", ">=", minLevel);
  return q.execute();
}

export async function listItems(store: Store, jobId: number, after: number, limit: number) {
  return store.db
    .selectFrom("items")
    .select(["seq", "data"])
    .where("job_id", "=", jobId)
    .where("seq", ">", after)
    .orderBy("seq")
    .limit(limit)
    .execute();
}

export async function itemFields(store: Store, jobId: number): Promise<string[]> {
  const rows = await store.db
    .selectFrom("item_fields")
    .select("name")
    .where("job_id", "=", jobId)
    .orderBy("position")
    .orderBy("name")
    .execute();
  return rows.map((r) => r.name);
}

export async function listRequests(store: Store, jobId: number, after: number, limit: number, status?: number) {
  let q = store.db
    .selectFrom("requests")
    .select(["seq", "url", "method", "status", "size", "duration", "time", "parent", "fingerprint"])
    .where("job_id", "=", jobId)
    .where("seq", ">", after)
    .orderBy("seq")
    .limit(limit);
  if (status !== undefined) q = q.where("status", "=", status);
  return q.execute();
}

export async function getStats(store: Store, jobId: number) {
  return store.db.selectFrom("job_stats").select(["data", "updated_at"]).where("job_id", "=", jobId).executeTakeFirst();
}
