// Row types of the schedule and webhook tables (migration 0003), merged into `Database` in schema.ts.

import type { ColumnType, Generated } from "kysely";

type Counter = ColumnType<number, number | undefined, number>;

export interface SchedulesTable {
  id: Generated<number>;
  project_id: number;
  spider_id: number;
  cron: string;
  timezone: string;
  args: string;
  settings: string;
  priority: number;
  tags: string;
  /** 1 or 0: the same integer column on both dialects. */
  enabled: number;
  overlap: string;
  misfire: string;
  next_fire_at: number | null;
  last_fire_at: number | null;
  last_job_id: number | null;
  last_error: string | null;
  fired: Counter;
  catch_ups: Counter;
  skipped_overlap: Counter;
  skipped_misfire: Counter;
  created_at: number;
  updated_at: number;
}

export interface WebhooksTable {
  id: Generated<number>;
  project_id: number;
  url: string;
  rule: string;
  secret: string | null;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  job_id: number;
  event: string;
  payload: string;
  state: string;
  attempts: Counter;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  log: ColumnType<string, string | undefined, string>;
  created_at: number;
  delivered_at: number | null;
}
