// Schedule rows: create, read, list, change, delete. Every write that touches the expression,
// timezone or enabled flag recomputes next_fire_at from the database clock, so a schedule is
// never due for a slot that passed while it was disabled or had another expression.

import { sql, type Selectable } from "kysely";
import type { Store } from "../store/database.ts";
import type { SchedulesTable } from "../store/schemaSchedules.ts";
import { notFound, badRequest } from "../errors.ts";
import { checkCron, nextFireAfter, type MisfirePolicy, type OverlapPolicy } from "./cronSpec.ts";

export type ScheduleRow = Selectable<SchedulesTable>;
export type ScheduleWithSpider = ScheduleRow & { spider_name: string; last_job_number: number | null };

export interface ScheduleInput {
  projectId: number;
  spiderId: number;
  cron: string;
  timezone: string;
  args: Record<string, string>;
  settings: Record<string, unknown>;
  priority: number;
  tags: string[];
  enabled: boolean;
  overlap: OverlapPolicy;
  misfire: MisfirePolicy;
}

export type SchedulePatch = Partial<Omit<ScheduleInput, "projectId" | "spiderId">>;

/** The database clock as a number, for cron arithmetic that must agree across nodes. */
export async function dbNow(store: Pick<Store, "db" | "now">): Promise<number> {
  const { rows } = await sql<{ now: number }>`select ${store.now()} as now`.execute(store.db);
  return Number(rows[0]!.now);
}

function selectSchedules(store: Store) {
  return store.db
    .selectFrom("schedules")
    .innerJoin("spiders", "spiders.id", "schedules.spider_id")
    .leftJoin("jobs", "jobs.id", "schedules.last_job_id")
    .selectAll("schedules")
    .select(["spiders.name as spider_name", "jobs.number as last_job_number"]);
}

export async function getSchedule(store: Store, id: number): Promise<ScheduleWithSpider> {
  const row = await selectSchedules(store).where("schedules.id", "=", id).executeTakeFirst();
  if (!row) throw notFound("schedule_not_found", `No schedule ${id}`);
  return row;
}

/** Oldest first; the cursor is the last schedule id of the previous page. */
export async function listSchedules(store: Store, projectId: number, limit: number, cursor?: string) {
  let q = selectSchedules(store).where("schedules.project_id", "=", projectId).orderBy("schedules.id").limit(limit + 1);
  if (cursor !== undefined) {
    if (!/^\d{1,15}$/.test(cursor)) throw badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page");
    q = q.where("schedules.id", ">", Number(cursor));
  }
  const rows = await q.execute();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { schedules: page, nextCursor: more ? String(page[page.length - 1]!.id) : null };
}

export async function createSchedule(store: Store, input: ScheduleInput): Promise<ScheduleWithSpider> {
  const now = await dbNow(store);
  checkCron(input, now);
  const row = await store.db
    .insertInto("schedules")
    .values({
      project_id: input.projectId,
      spider_id: input.spiderId,
      cron: input.cron,
      timezone: input.timezone,
      args: JSON.stringify(input.args),
      settings: JSON.stringify(input.settings),
      priority: input.priority,
      tags: JSON.stringify(input.tags),
      enabled: input.enabled ? 1 : 0,
      overlap: input.overlap,
      misfire: input.misfire,
      next_fire_at: input.enabled ? nextFireAfter(input, now) : null,
      created_at: store.now(),
      updated_at: store.now(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return getSchedule(store, row.id);
}

export async function updateSchedule(store: Store, id: number, patch: SchedulePatch): Promise<ScheduleWithSpider> {
  const current = await getSchedule(store, id);
  const spec = { cron: patch.cron ?? current.cron, timezone: patch.timezone ?? current.timezone };
  const enabled = patch.enabled ?? current.enabled === 1;
  const now = await dbNow(store);
  checkCron(spec, now);
  const timing = patch.cron !== undefined || patch.timezone !== undefined || patch.enabled !== undefined;
  await store.db
    .updateTable("schedules")
    .set({
      ...(patch.cron !== undefined ? { cron: patch.cron } : {}),
      ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
      ...(patch.args !== undefined ? { args: JSON.stringify(patch.args) } : {}),
      ...(patch.settings !== undefined ? { settings: JSON.stringify(patch.settings) } : {}),
      ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
      ...(patch.tags !== undefined ? { tags: JSON.stringify(patch.tags) } : {}),
      ...(patch.overlap !== undefined ? { overlap: patch.overlap } : {}),
      ...(patch.misfire !== undefined ? { misfire: patch.misfire } : {}),
      // Re-enabling starts from now: slots passed while disabled are not "missed".
      ...(timing ? { enabled: enabled ? 1 : 0, next_fire_at: enabled ? nextFireAfter(spec, now) : null } : {}),
      updated_at: store.now(),
    })
    .where("id", "=", id)
    .execute();
  return getSchedule(store, id);
}

export async function deleteSchedule(store: Store, id: number): Promise<void> {
  const res = await store.db.deleteFrom("schedules").where("id", "=", id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound("schedule_not_found", `No schedule ${id}`);
}
