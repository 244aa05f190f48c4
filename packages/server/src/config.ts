// One typed table of settings: each has an environment variable, a default and a parser.
// Precedence: explicit overrides (CLI flags) > environment > default. An invalid value stops start-up.

import os from "node:os";
import path from "node:path";

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  slots: number;
  nodeName: string;
  leaseTtlMs: number;
  heartbeatMs: number;
  pollMs: number;
  cancelTimeoutMs: number;
  stallTimeoutMs: number;
  timeLimitMs: number;
  memorySoftMb: number;
  memoryHardMb: number;
  sampleMs: number;
  onShutdown: "requeue" | "pause" | "cancel";
  onNodeLost: "fail" | "requeue";
  maxItemBytes: number;
  maxUploadBytes: number;
  maxArchiveBytes: number;
  logLevel: string;
  demo: boolean;
  logRetentionDays: number;
  retentionIntervalMs: number;
  allowPrivateWebhooks: boolean;
  webhookRetryBaseMs: number;
  webhookMaxAttempts: number;
}

type Parser<T> = (raw: string) => T;

interface Setting<T> {
  env: string;
  default: () => T;
  parse: Parser<T>;
  doc: string;
}

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be an integer from ${min} to ${max}`);
    return n;
  };
const text: Parser<string> = (raw) => raw;
const oneOf =
  <T extends string>(values: readonly T[]): Parser<T> =>
  (raw) => {
    if (!(values as readonly string[]).includes(raw)) throw new Error(`must be one of ${values.join(", ")}`);
    return raw as T;
  };
const bool: Parser<boolean> = (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error("must be true or false");
};

export const SETTINGS: { [K in keyof Config]: Setting<Config[K]> } = {
  host: { env: "TRAWLER_HOST", default: () => "127.0.0.1", parse: text, doc: "address the server listens on" },
  port: { env: "TRAWLER_PORT", default: () => 6800, parse: integer(0, 65535), doc: "HTTP port" },
  dataDir: {
    env: "TRAWLER_DATA_DIR",
    default: () => path.resolve("trawler-data"),
    parse: (raw) => path.resolve(raw),
    doc: "SQLite database, project versions and job directories",
  },
  databaseUrl: {
    env: "TRAWLER_DATABASE_URL",
    default: () => undefined,
    parse: (raw) => {
      if (raw === "") return undefined;
      if (!/^postgres(ql)?:\/\//.test(raw)) throw new Error("must be a postgres:// URL (or empty for SQLite)");
      return raw;
    },
    doc: "PostgreSQL URL; empty means SQLite in the data directory",
  },
  databaseSchema: {
    env: "TRAWLER_DATABASE_SCHEMA",
    default: () => undefined,
    parse: (raw) => {
      if (raw === "") return undefined;
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) throw new Error("must be a PostgreSQL schema name: a-z, 0-9 and _, at most 63");
      return raw;
    },
    doc: "PostgreSQL schema for Trawler's tables, created if missing (default: the URL's search_path, usually public)",
  },
  slots: {
    env: "TRAWLER_SLOTS",
    default: () => 4 * os.availableParallelism(),
    parse: integer(0, 1024),
    doc: "jobs this node runs at once (0: run no jobs)",
  },
  nodeName: { env: "TRAWLER_NODE_NAME", default: () => os.hostname(), parse: text, doc: "this node's name" },
  leaseTtlMs: { env: "TRAWLER_LEASE_TTL_MS", default: () => 30_000, parse: integer(1000), doc: "job lease length" },
  heartbeatMs: {
    env: "TRAWLER_HEARTBEAT_MS",
    default: () => 5_000,
    parse: integer(100),
    doc: "how often a worker renews its leases",
  },
  pollMs: {
    env: "TRAWLER_POLL_MS",
    default: () => 1_000,
    parse: integer(50),
    doc: "fallback queue poll when no wake-up arrives",
  },
  cancelTimeoutMs: {
    env: "TRAWLER_CANCEL_TIMEOUT_MS",
    default: () => 5 * 60_000,
    parse: integer(0),
    doc: "grace after a cancel before the spider's process group is killed (outcome cancel_timeout)",
  },
  stallTimeoutMs: {
    env: "TRAWLER_STALL_TIMEOUT_MS",
    default: () => 60 * 60_000,
    parse: integer(0),
    doc: "a running job with no log line, item or request for this long ends 'cancelled (stalled)' (0: never)",
  },
  timeLimitMs: {
    env: "TRAWLER_TIME_LIMIT_MS",
    default: () => 0,
    parse: integer(0),
    doc: "a job running longer ends 'cancelled (time limit)' (0: no limit)",
  },
  memorySoftMb: {
    env: "TRAWLER_MEMORY_SOFT_MB",
    default: () => 1024,
    parse: integer(0),
    doc: "process-tree RSS above which a job is stopped gracefully: 'memusage_exceeded' (0: no limit)",
  },
  memoryHardMb: {
    env: "TRAWLER_MEMORY_HARD_MB",
    default: () => 1536,
    parse: integer(0),
    doc: "process-tree RSS above which a job is killed at once: 'killed by oom' (0: no limit)",
  },
  sampleMs: {
    env: "TRAWLER_SAMPLE_MS",
    default: () => 2_000,
    parse: integer(100),
    doc: "how often running jobs' CPU, memory and I/O are sampled and their watchdogs checked",
  },
  onShutdown: {
    env: "TRAWLER_ON_SHUTDOWN",
    default: () => "requeue" as const,
    parse: oneOf(["requeue", "pause", "cancel"] as const),
    doc: "what a graceful server stop does to running jobs: requeue (resume on next start), pause, or cancel",
  },
  onNodeLost: {
    env: "TRAWLER_ON_NODE_LOST",
    default: () => "fail" as const,
    parse: oneOf(["fail", "requeue"] as const),
    doc: "a job whose node died: end it 'node_lost' (fail) or put it back in the queue (requeue)",
  },
  maxItemBytes: {
    env: "TRAWLER_MAX_ITEM_BYTES",
    default: () => 1024 * 1024,
    parse: integer(1024),
    doc: "largest item kept; larger ones are dropped with an error log line",
  },
  maxUploadBytes: {
    env: "TRAWLER_MAX_UPLOAD_BYTES",
    default: () => 50 * 1024 * 1024,
    parse: integer(1024),
    doc: "largest archive upload",
  },
  maxArchiveBytes: {
    env: "TRAWLER_MAX_ARCHIVE_BYTES",
    default: () => 200 * 1024 * 1024,
    parse: integer(1024),
    doc: "largest unpacked project version",
  },
  logLevel: { env: "TRAWLER_LOG_LEVEL", default: () => "info", parse: text, doc: "server log level (pino)" },
  demo: { env: "TRAWLER_DEMO", default: () => false, parse: bool, doc: "deploy the demo project and site on start" },
  logRetentionDays: {
    env: "TRAWLER_LOG_RETENTION_DAYS",
    default: () => 30,
    parse: integer(0, 36_500),
    doc: "log lines older than this many days are deleted (0: keep forever)",
  },
  retentionIntervalMs: {
    env: "TRAWLER_RETENTION_INTERVAL_MS",
    default: () => 3_600_000,
    parse: integer(100),
    doc: "how often the retention task runs",
  },
  allowPrivateWebhooks: {
    env: "TRAWLER_ALLOW_PRIVATE_WEBHOOKS",
    default: () => false,
    parse: bool,
    doc: "allow webhooks to loopback, private and link-local addresses (SSRF guard off)",
  },
  webhookRetryBaseMs: {
    env: "TRAWLER_WEBHOOK_RETRY_BASE_MS",
    default: () => 10_000,
    parse: integer(10),
    doc: "first webhook retry delay; doubles on each further attempt",
  },
  webhookMaxAttempts: {
    env: "TRAWLER_WEBHOOK_MAX_ATTEMPTS",
    default: () => 8,
    parse: integer(1, 50),
    doc: "webhook delivery attempts before a delivery is marked failed",
  },
};

export function loadConfig(overrides: Partial<Config> = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const out: Partial<Record<keyof Config, unknown>> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [keyof Config, Setting<unknown>][]) {
    if (overrides[key] !== undefined) {
      out[key] = overrides[key];
      continue;
    }
    const raw = env[setting.env];
    if (raw === undefined) {
      out[key] = setting.default();
      continue;
    }
    try {
      out[key] = setting.parse(raw);
    } catch (err) {
      throw new Error(`Invalid ${setting.env}=${JSON.stringify(raw)}: ${(err as Error).message}`);
    }
  }
  return out as Config;
}
