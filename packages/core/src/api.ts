// Shapes of the HTTP API's responses (docs/api.md), shared by the server's presenters, the CLI
// and the dashboard so the three cannot drift apart.

import type { JobState } from "./jobs.ts";

export interface LogCounts {
  debug: number;
  info: number;
  warning: number;
  error: number;
  critical: number;
  total: number;
}

/** A job's effective limits: server defaults overridden by project, spider, then job. */
export interface JobLimits {
  cancelTimeoutMs: number;
  stallTimeoutMs: number;
  timeLimitMs: number;
  memorySoftMb: number;
  memoryHardMb: number;
}

export interface Job {
  key: string;
  id: number;
  projectId: number;
  spiderId: number;
  spider: string;
  number: number;
  state: JobState;
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
  node: string | null;
  exitCode: number | null;
  exitSignal: string | null;
  cancelRequested?: boolean;
  /** A stop other than cancel in progress: "pause", or the outcome the platform asked for. */
  stopRequested?: string | null;
  items: number;
  itemsDropped?: number;
  requests: number;
  errors: number;
  logs: LogCounts;
  /** Only in the answer for one job. */
  limits?: JobLimits;
}

export interface LogLine {
  seq: number;
  time: string;
  level: number;
  message: string;
}
