// Shapes schedule rows for the API: database columns never leak, times are ISO strings, and
// every body carries the next five fire times of its expression.

import { formatJobKey } from "@trawler/core";
import { nextFires } from "./cronSpec.ts";
import type { ScheduleWithSpider } from "./scheduleStore.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** `now` is the database clock, so nextFires agree with what the firing loop will do. */
export function presentSchedule(s: ScheduleWithSpider, now: number) {
  return {
    id: s.id,
    projectId: s.project_id,
    spiderId: s.spider_id,
    spider: s.spider_name,
    cron: s.cron,
    timezone: s.timezone,
    args: JSON.parse(s.args) as Record<string, string>,
    settings: JSON.parse(s.settings) as Record<string, unknown>,
    priority: s.priority,
    tags: JSON.parse(s.tags) as string[],
    enabled: s.enabled === 1,
    overlap: s.overlap,
    misfire: s.misfire,
    nextFireAt: iso(s.next_fire_at),
    // From the persisted next slot when enabled (what will really happen), else a preview.
    nextFires: nextFires(s, s.next_fire_at !== null ? Math.max(now, s.next_fire_at - 1) : now),
    lastFireAt: iso(s.last_fire_at),
    lastJob: s.last_job_id !== null && s.last_job_number !== null ? formatJobKey({ project: s.project_id, spider: s.spider_id, number: s.last_job_number }) : null,
    lastError: s.last_error,
    stats: {
      fired: Number(s.fired),
      catchUps: Number(s.catch_ups),
      skippedOverlap: Number(s.skipped_overlap),
      skippedMisfire: Number(s.skipped_misfire),
    },
    createdAt: iso(s.created_at),
    updatedAt: iso(s.updated_at),
  };
}
