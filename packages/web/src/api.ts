// The dashboard's client of Trawler's HTTP API (docs/api.md). Every response is JSON; errors are
// `{ error, message }` and become ApiError so pages can show the server's own words.

export interface LogCounts {
  debug: number;
  info: number;
  warning: number;
  error: number;
  critical: number;
  total: number;
}

export interface Job {
  key: string;
  id: number;
  projectId: number;
  spiderId: number;
  spider: string;
  number: number;
  state: "pending" | "running" | "paused" | "finished";
  outcome: string | null;
  priority: number;
  args: Record<string, string>;
  tags: string[];
  settings: Record<string, unknown>;
  versionId: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempt: number;
  node: string | number | null;
  exitCode: number | null;
  exitSignal: string | null;
  cancelRequested?: boolean;
  items: number;
  itemsDropped?: number;
  requests: number;
  errors: number;
  logs: LogCounts;
}

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

export interface LogLine {
  seq: number;
  time: string;
  level: number;
  message: string;
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
