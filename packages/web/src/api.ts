// The dashboard's client of Trawler's HTTP API (docs/api.md). Every response is JSON; errors are
// `{ error, message }` and become ApiError so pages can show the server's own words.

export type { Job, JobLimits, LogCounts, LogLine } from "@trawler/core";
import type { Job } from "@trawler/core";

export interface Organization {
  id: number;
  name: string;
  createdAt: string;
}

export interface Project {
  id: number;
  organizationId: number;
  name: string;
  currentVersion: number | null;
  createdAt: string;
  pending?: number;
  running?: number;
}

export interface Spider {
  id: number;
  projectId: number;
  name: string;
  runtime: string;
  lastJob: string | null;
}


export interface ItemRow {
  seq: number;
  data: Record<string, unknown>;
}

export interface RequestRow {
  seq: number;
  url: string;
  method: string;
  status: number | null;
  size: number;
  duration: number | null;
  time: string;
  parent: number | null;
  fingerprint: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    headers: init.body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const e = (body ?? {}) as { error?: string; message?: string };
    throw new ApiError(res.status, e.error ?? `http_${res.status}`, e.message ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}

export const jobPath = (key: string) => `/api/v1/jobs/${key}`;

export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : "";
}

export interface JobFilter {
  project?: string;
  state?: string;
  spider?: string;
  tag?: string;
  outcome?: string;
  limit?: number;
  cursor?: string;
}

export const listJobs = (f: JobFilter) => api<{ jobs: Job[]; nextCursor: string | null }>(`/api/v1/jobs${qs({ ...f })}`);
export const getJob = (key: string) => api<Job>(jobPath(key));
export const cancelJob = (key: string) => api<Job>(`${jobPath(key)}/cancel`, { method: "POST" });
export const listOrganizations = () => api<{ organizations: Organization[] }>("/api/v1/organizations");
export const listProjects = () => api<{ projects: Project[] }>("/api/v1/projects");
export const getProject = (p: string) => api<Project>(`/api/v1/projects/${encodeURIComponent(p)}`);
export const listSpiders = (p: string) => api<{ spiders: Spider[] }>(`/api/v1/projects/${encodeURIComponent(p)}/spiders`);

export interface ScheduleRequest {
  project: string | number;
  spider: string;
  args?: Record<string, string>;
  priority?: number;
  tags?: string[];
}
export const scheduleJob = (body: ScheduleRequest) => api<Job>("/api/v1/jobs", { method: "POST", body });

export interface Schedule {
  id: number;
  projectId: number;
  spiderId: number;
  spider: string;
  cron: string;
  timezone: string;
  args: Record<string, string>;
  settings: Record<string, unknown>;
  priority: number;
  tags: string[];
  enabled: boolean;
  overlap: string;
  misfire: string;
  nextFireAt: string | null;
  nextFires: string[];
  lastFireAt: string | null;
  lastJob: string | null;
  lastError: string | null;
  stats: { fired: number; catchUps: number; skippedOverlap: number; skippedMisfire: number };
}

export interface ScheduleInput {
  spider?: string;
  cron?: string;
  timezone?: string;
  args?: Record<string, string>;
  priority?: number;
  tags?: string[];
  enabled?: boolean;
}

export const listSchedules = (p: string) => api<{ schedules: Schedule[]; nextCursor: string | null }>(`/api/v1/projects/${encodeURIComponent(p)}/schedules?limit=1000`);
export const createSchedule = (p: string, body: ScheduleInput) => api<Schedule>(`/api/v1/projects/${encodeURIComponent(p)}/schedules`, { method: "POST", body });
export const updateSchedule = (id: number, body: ScheduleInput) => api<Schedule>(`/api/v1/schedules/${id}`, { method: "PATCH", body });
export const deleteSchedule = (id: number) => api<void>(`/api/v1/schedules/${id}`, { method: "DELETE" });
export const batchCancel = (keys: string[]) =>
  api<{ matched: number; cancelled: number; stopping: number; already_finished: number }>("/api/v1/jobs/cancel", { method: "POST", body: { keys } });
export const rerunJob = (key: string) => api<Job>(`${jobPath(key)}/rerun`, { method: "POST" });
export const deleteJob = (key: string) => api<void>(jobPath(key), { method: "DELETE" });

export interface Run {
  attempt: number;
  node: string | null;
  pid: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  exitSignal: string | null;
  outcome: string | null;
  items: number;
  peakRssBytes: number | null;
}

export interface MetricPoint {
  time: string;
  attempt: number;
  cpuPercent: number;
  rssBytes: number;
  readBytes: number;
  writeBytes: number;
  processes: number;
  items: number;
  requests: number;
  bytesDownloaded: number;
}

export interface Metrics {
  series: MetricPoint[];
  summary: {
    requests: number;
    successRate: number | null;
    meanResponseMs: number | null;
    p95ResponseMs: number | null;
    bytesDownloaded: number;
    statuses: Record<string, number>;
    itemsPerMinute: number | null;
    pagesPerMinute: number | null;
    peakRssBytes: number | null;
    peakCpuPercent: number | null;
  };
}
