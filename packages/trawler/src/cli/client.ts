// A small typed client of Trawler's HTTP API (docs/api.md), used by every CLI command.
// Failures come out as two kinds: the server answered with an error (ApiError), or
// there was no server to answer (ServerUnreachableError); commands never see raw fetch errors.

import { Readable } from "node:stream";
import { ApiError, ServerUnreachableError, UsageError } from "./errors.ts";

export { ApiError, ServerUnreachableError };

export interface Project {
  id: number;
  organizationId: number;
  name: string;
  currentVersion: number | null;
  createdAt: string;
  spiders?: number;
  pending?: number;
  running?: number;
}

export interface Version {
  id: number;
  projectId: number;
  label: string;
  sha256: string;
  size: number;
  spiders: string[];
  createdAt: string;
  warnings?: string[];
}

export interface Spider {
  id: number;
  projectId: number;
  name: string;
  runtime: string;
  lastJob?: string | null;
}


export type { Job, LogLine } from "@trawler/core";
import type { Job, LogLine } from "@trawler/core";

export interface ScheduleRequest {
  project: string;
  spider: string;
  args?: Record<string, string>;
  priority?: number;
  tags?: string[];
  settings?: Record<string, unknown>;
}

export interface JobFilters {
  project?: string;
  state?: string;
  spider?: string;
  tag?: string;
  outcome?: string;
  limit?: number;
  cursor?: string;
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  query?: Query;
  json?: unknown;
  /** A streamed request body (e.g. an archive); sent without buffering. */
  stream?: Readable;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

// Connection-level failures that mean "nothing is listening there", as opposed to a server
// that answered badly; undici reports them as a TypeError whose cause carries the code.
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "ECONNRESET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    // AggregateError (happy eyeballs over IPv4 and IPv6) keeps the real errors in `errors`.
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    e = inner ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `1/3/42` → `/api/v1/jobs/1/3/42`; the key is checked so that it cannot address another route. */
export function jobPath(key: string): string {
  if (!/^\d+\/\d+\/\d+$/.test(key))
    throw new UsageError(`a job key is PROJECT/SPIDER/NUMBER, e.g. 1/3/42, not ${JSON.stringify(key)}`);
  return `/api/v1/jobs/${key}`;
}

export class ApiClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(baseUrl);
    } catch {
      // reported below
    }
    if (parsed?.protocol !== "http:" && parsed?.protocol !== "https:")
      throw new UsageError(`--url must be an http:// or https:// URL, not ${JSON.stringify(baseUrl)}`);
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** Sends a request and returns the response if it is 2xx; throws ApiError or ServerUnreachableError otherwise. */
  async fetch(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    let body: RequestInit["body"];
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.stream) {
      body = Readable.toWeb(opts.stream) as unknown as RequestInit["body"];
    }
    // A body stream that fails (a packing error) makes fetch fail too; report the stream's error.
    let streamError: Error | undefined;
    opts.stream?.once("error", (err) => (streamError = err));
    let res: Response;
    try {
      // `duplex: "half"` is required by fetch for a streamed request body.
      res = await fetch(url, {
        method,
        headers,
        body,
        signal: opts.signal,
        ...(opts.stream ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch (err) {
      if (streamError) throw streamError;
      if ((err as Error).name === "AbortError") throw err;
      const code = causeCode(err);
      if (code === undefined || UNREACHABLE_CODES.has(code)) throw new ServerUnreachableError(this.baseUrl, err);
      throw new Error(`request to ${url.origin} failed: ${code}`, { cause: err });
    }
    if (!res.ok) throw await toApiError(res);
    return res;
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.fetch(method, path, opts);
    return (await res.json()) as T;
  }

  health() {
    return this.json<{ status: string; version: string; database: string }>("GET", "/api/health");
  }

  async listProjects(): Promise<Project[]> {
    return (await this.json<{ projects: Project[] }>("GET", "/api/v1/projects")).projects;
  }

  createProject(name: string): Promise<Project> {
    return this.json("POST", "/api/v1/projects", { json: { name } });
  }

  deployVersion(project: string, archive: Readable, label?: string): Promise<Version> {
    return this.json("POST", `/api/v1/projects/${encodeURIComponent(project)}/versions`, {
      query: { label },
      stream: archive,
      headers: { "content-type": "application/gzip" },
    });
  }

  async listSpiders(project: string): Promise<Spider[]> {
    return (await this.json<{ spiders: Spider[] }>("GET", `/api/v1/projects/${encodeURIComponent(project)}/spiders`))
      .spiders;
  }

  schedule(req: ScheduleRequest): Promise<Job> {
    return this.json("POST", "/api/v1/jobs", { json: req });
  }

  listJobs(filters: JobFilters): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    return this.json("GET", "/api/v1/jobs", { query: { ...filters } });
  }

  getJob(key: string): Promise<Job> {
    return this.json("GET", jobPath(key));
  }

  cancelJob(key: string): Promise<Job> {
    return this.json("POST", `${jobPath(key)}/cancel`);
  }

  /** pause, resume or rerun: the job-page buttons. */
  controlJob(key: string, action: "pause" | "resume" | "rerun"): Promise<Job> {
    return this.json("POST", `${jobPath(key)}/${action}`);
  }

  logs(
    key: string,
    query: { after?: number; limit?: number; level?: string },
  ): Promise<{ logs: LogLine[]; nextAfter: number }> {
    return this.json("GET", `${jobPath(key)}/logs`, { query });
  }

  /** The live log as a Server-Sent Events response; read it with `readSse`. */
  streamLogs(key: string, query: { after?: number; level?: string }, signal?: AbortSignal): Promise<Response> {
    return this.fetch("GET", `${jobPath(key)}/logs/stream`, {
      query,
      headers: { accept: "text/event-stream" },
      signal,
    });
  }

  exportItems(key: string, query: { format?: string; fields?: string }): Promise<Response> {
    return this.fetch("GET", `${jobPath(key)}/items/export`, { query, headers: { accept: "*/*" } });
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === "string")
      return new ApiError(res.status, body.error, typeof body.message === "string" ? body.message : body.error);
  } catch {
    // Not a Trawler error body (a proxy's HTML page, say): report the status instead.
  }
  return new ApiError(
    res.status,
    `http_${res.status}`,
    `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ""}`,
  );
}
