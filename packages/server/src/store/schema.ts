// Row types of every table, as Kysely sees them. Times are milliseconds since the epoch, from the database clock.

import type { ColumnType, Generated } from "kysely";
import type { SchedulesTable, WebhookDeliveriesTable, WebhooksTable } from "./schemaSchedules.ts";

type Id = Generated<number>;

export interface OrganizationsTable {
  id: Id;
  name: string;
  created_at: number;
}

export interface ProjectsTable {
  id: Id;
  organization_id: number;
  name: string;
  current_version_id: number | null;
  settings: string;
  created_at: number;
  deleted_at: number | null;
}

export interface VersionsTable {
  id: Id;
  project_id: number;
  label: string;
  sha256: string;
  size: number;
  path: string;
  created_at: number;
  /** The version as a .tar.gz, for workers that do not share this node's disk. */
  archive: Buffer | null;
}

export interface SpidersTable {
  id: Id;
  project_id: number;
  name: string;
  next_job_number: ColumnType<number, number | undefined, number>;
  created_at: number;
  settings: ColumnType<string, string | undefined, string>;
}

export interface VersionSpidersTable {
  version_id: number;
  spider_id: number;
  runtime: string;
  entry: string;
}

export interface JobsTable {
  id: Id;
  project_id: number;
  spider_id: number;
  number: number;
  version_id: number;
  state: string;
  outcome: string | null;
  priority: number;
  args: string;
  settings: string;
  tags: string;
  queued_at: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  attempt: ColumnType<number, number | undefined, number>;
  node_id: string | null;
  lease_expires_at: number | null;
  cancel_requested_at: number | null;
  /** A stop other than cancel: "pause", or an outcome to end with (e.g. "project_deleted"). */
  stop_request: string | null;
  limits: ColumnType<string, string | undefined, string>;
  pid: number | null;
  exit_code: number | null;
  exit_signal: string | null;
  last_activity_at: number | null;
  items_count: ColumnType<number, number | undefined, number>;
  requests_count: ColumnType<number, number | undefined, number>;
  items_dropped: ColumnType<number, number | undefined, number>;
  log_count: ColumnType<number, number | undefined, number>;
  log_debug: ColumnType<number, number | undefined, number>;
  log_info: ColumnType<number, number | undefined, number>;
  log_warning: ColumnType<number, number | undefined, number>;
  log_error: ColumnType<number, number | undefined, number>;
  log_critical: ColumnType<number, number | undefined, number>;
}

export interface JobTagsTable {
  job_id: number;
  tag: string;
}

export interface JobRunsTable {
  job_id: number;
  attempt: number;
  node_id: string;
  pid: number | null;
  started_at: number;
  finished_at: number | null;
  exit_code: number | null;
  exit_signal: string | null;
  outcome: string | null;
  items: ColumnType<number, number | undefined, number>;
  peak_rss: number | null;
}

export interface JobMetricsTable {
  job_id: number;
  time: number;
  attempt: number;
  cpu_percent: number;
  rss: number;
  read_bytes: number;
  write_bytes: number;
  processes: number;
  items: number;
  requests: number;
  bytes_downloaded: number;
}

export interface LogLinesTable {
  job_id: number;
  seq: number;
  attempt: number;
  time: number;
  level: number;
  message: string;
}

export interface ItemsTable {
  job_id: number;
  seq: number;
  attempt: number;
  data: string;
}

export interface ItemFieldsTable {
  job_id: number;
  name: string;
  position: number;
}

export interface RequestsTable {
  job_id: number;
  seq: number;
  attempt: number;
  url: string;
  method: string;
  status: number;
  size: number;
  duration: number;
  time: number;
  parent: number | null;
  fingerprint: string | null;
}

export interface JobStatsTable {
  job_id: number;
  data: string;
  updated_at: number;
}

export interface NodesTable {
  id: string;
  name: string;
  slots: number;
  labels: string;
  started_at: number;
  heartbeat_at: number;
}

export interface Database {
  organizations: OrganizationsTable;
  projects: ProjectsTable;
  versions: VersionsTable;
  spiders: SpidersTable;
  version_spiders: VersionSpidersTable;
  jobs: JobsTable;
  job_tags: JobTagsTable;
  job_runs: JobRunsTable;
  log_lines: LogLinesTable;
  items: ItemsTable;
  item_fields: ItemFieldsTable;
  requests: RequestsTable;
  job_stats: JobStatsTable;
  nodes: NodesTable;
  job_metrics: JobMetricsTable;
  schedules: SchedulesTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
