// Fires one due schedule. Parameters: the schedule id. In ONE transaction it locks the row
// (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a second server skips it instead of waiting and
// firing it again; SQLite serialises writers), decides what the slot does, enqueues the job
// and moves next_fire_at forward with a compare-and-set on the slot it read. Creating the job
// and advancing the schedule commit together: a crash loses neither and repeats neither.
//
// Decisions, in order:
//   misfire — the slot is more than MISFIRE_GRACE_MS old (the server was down): policy `skip`
//             drops it, policy `once` fires ONE catch-up job for all missed slots;
//   overlap — policy `skip` and the schedule's last job is still pending/running: no job;
//   else a job is enqueued.
// An on-time slot moves next_fire_at to the slot after it, so a tick that runs a little late
// does not swallow a per-second slot; a missed slot moves it to the first slot after now, so
// the downtime's other slots are dropped: one decision per schedule per tick, never a burst of
// catch-up jobs. next_fire_at only ever grows, so a database clock that steps back cannot
// bring an already-handled slot round again (RELIABILITY F15, F23).

import type { Transaction } from "kysely";
import type { Store } from "../store/database.ts";
import type { Database } from "../store/schema.ts";
import { enqueue } from "../queue/sql/enqueue.ts";
import { MISFIRE_GRACE_MS, nextFireAfter } from "./cronSpec.ts";
import { dbNow } from "./scheduleStore.ts";

export type FireKind = "fired" | "catch_up" | "skipped_overlap" | "skipped_misfire" | "error";

export interface FireResult {
  kind: FireKind;
  jobId: number | null;
  error?: string;
}

const COUNTER: Partial<Record<FireKind, "fired" | "catch_ups" | "skipped_overlap" | "skipped_misfire">> = {
  fired: "fired",
  catch_up: "catch_ups",
  skipped_overlap: "skipped_overlap",
  skipped_misfire: "skipped_misfire",
};

/** Ids of enabled schedules whose slot has come, oldest slot first. */
export async function dueScheduleIds(store: Store, limit: number): Promise<number[]> {
  const rows = await store.db
    .selectFrom("schedules")
    .innerJoin("projects", "projects.id", "schedules.project_id")
    .select("schedules.id")
    .where("schedules.enabled", "=", 1)
    .where("schedules.next_fire_at", "<=", store.now())
    .where("projects.deleted_at", "is", null)
    .orderBy("schedules.next_fire_at")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

class LostRace extends Error {}

export async function fireSchedule(store: Store, id: number): Promise<FireResult | null> {
  try {
    return await store.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom("schedules")
        .selectAll()
        .where("id", "=", id)
        .where("enabled", "=", 1)
        .where("next_fire_at", "<=", store.now());
      if (store.dialect === "postgres") q = q.forUpdate().skipLocked();
      const s = await q.executeTakeFirst();
      if (!s || s.next_fire_at === null) return null;
      const slot = s.next_fire_at;
      const now = await dbNow({ db: trx, now: store.now });
      const late = now - slot > MISFIRE_GRACE_MS;

      let kind: FireKind;
      let jobId = s.last_job_id;
      let error: string | undefined;
      if (late && s.misfire === "skip") kind = "skipped_misfire";
      else if (s.overlap === "skip" && jobId !== null && (await isActive(trx, jobId))) kind = "skipped_overlap";
      else {
        const target = await runnableVersion(trx, s.project_id, s.spider_id);
        if (typeof target === "string") {
          kind = "error";
          error = target;
        } else {
          const job = await enqueue(store, {
            projectId: s.project_id,
            spiderId: s.spider_id,
            versionId: target,
            priority: s.priority,
            args: JSON.parse(s.args) as Record<string, string>,
            settings: JSON.parse(s.settings) as Record<string, unknown>,
            tags: JSON.parse(s.tags) as string[],
          }, trx);
          jobId = job.id;
          kind = late ? "catch_up" : "fired";
        }
      }

      const counter = COUNTER[kind];
      const res = await trx
        .updateTable("schedules")
        .set((eb) => ({
          next_fire_at: nextFireAfter(s, late ? Math.max(now, slot) : slot),
          last_job_id: jobId,
          last_error: error ?? null,
          ...(kind === "fired" || kind === "catch_up" ? { last_fire_at: now } : {}),
          ...(counter ? { [counter]: eb(counter, "+", 1) } : {}),
        }))
        .where("id", "=", id)
        .where("next_fire_at", "=", slot)
        .executeTakeFirst();
      // Someone moved the slot meanwhile (an API edit, another server): roll back our job.
      if (Number(res.numUpdatedRows) !== 1) throw new LostRace();
      return { kind, jobId: kind === "fired" || kind === "catch_up" ? jobId : null, ...(error ? { error } : {}) };
    });
  } catch (err) {
    if (err instanceof LostRace) return null;
    throw err;
  }
}

async function isActive(trx: Transaction<Database>, jobId: number): Promise<boolean> {
  const job = await trx.selectFrom("jobs").select("state").where("id", "=", jobId).executeTakeFirst();
  return job !== undefined && (job.state === "pending" || job.state === "running");
}

/** The project's current version if it still has the spider; otherwise why not, for last_error. */
async function runnableVersion(trx: Transaction<Database>, projectId: number, spiderId: number): Promise<number | string> {
  const project = await trx.selectFrom("projects").select("current_version_id").where("id", "=", projectId).executeTakeFirst();
  const versionId = project?.current_version_id ?? null;
  if (versionId === null) return "the project has no deployed version";
  const vs = await trx
    .selectFrom("version_spiders")
    .select("spider_id")
    .where("version_id", "=", versionId)
    .where("spider_id", "=", spiderId)
    .executeTakeFirst();
  return vs ? versionId : `the spider is not in the project's current version ${versionId}`;
}
