// Starts a Trawler server as a child process on a fresh store (a temp SQLite data directory or
// a fresh PostgreSQL schema), deploys the bench fixture project through the HTTP API, and gives
// an *observer*: a separate read connection to the same store, so timings are taken from what is
// committed without loading the server with polling requests.

import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { buffer } from "node:stream/consumers";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { packProjectDirectory } from "../../packages/server/src/index.ts";

export const REPO = path.resolve(import.meta.dirname, "../..");
export const FIXTURE = path.join(REPO, "bench/fixtures/platform");
const SETPRIV = "/usr/bin/setpriv";

pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export type DialectName = "sqlite" | "postgres";

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface JobState {
  state: string;
  outcome: string | null;
  started_at: number | null;
  finished_at: number | null;
  items_count: number;
  log_count: number;
}

export interface Summary {
  finished: number;
  ok: number;
  minStarted: number;
  maxStarted: number;
  maxFinished: number;
}

export interface Observer {
  job(id: number): Promise<JobState | undefined>;
  /** The job's first stored log message, if any. */
  firstLog(id: number): Promise<string | undefined>;
  firstItem(id: number): Promise<string | undefined>;
  /** finished count, first start, last start and last finish of a set of jobs (database clock, ms). */
  summary(ids: number[]): Promise<Summary>;
  itemFields(jobId: number): Promise<string[]>;
  /** The job's item texts in order, a page at a time (the raw export baseline's read side). */
  items(jobId: number, page: number): AsyncGenerator<string[]>;
  close(): Promise<void>;
}

export interface BenchServer {
  dialect: DialectName;
  url: string;
  pid: number;
  dataDir: string;
  schema: string | undefined;
  pgUrl: string | undefined;
  observer: Observer;
  post<T>(p: string, body: unknown): Promise<T>;
  schedule(spider: string, args?: Record<string, string>): Promise<{ id: number; key: string }>;
  stop(): Promise<void>;
}

export interface ServerOptions {
  slots: number;
  pgUrl?: string | undefined;
  cpuProfDir?: string | undefined;
  logLevel?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** A small HTTP client on node:http with keep-alive (undici's fetch costs more CPU per call). */
export function request(
  url: string,
  method: string,
  body?: Buffer | string,
  type = "application/json",
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body === undefined ? {} : { "content-type": type, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        buffer(res).then((b) => resolve({ status: res.statusCode ?? 0, body: b }), reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function startBenchServer(dialect: DialectName, opts: ServerOptions): Promise<BenchServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-bench-"));
  const schema = dialect === "postgres" ? `bench_${randomBytes(6).toString("hex")}` : undefined;
  const pgUrl = dialect === "postgres" ? opts.pgUrl : undefined;
  if (dialect === "postgres" && !pgUrl) throw new Error("postgres needs a database URL");
  // `trawler serve` itself, compiled as users run it (bin/trawler.mjs builds it when stale).
  const nodeArgs: string[] = [];
  if (opts.cpuProfDir) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${path.join(opts.cpuProfDir, dialect)}`);
  nodeArgs.push(path.join(REPO, "packages/trawler/bin/trawler.mjs"), "serve");
  const argv = fs.existsSync(SETPRIV)
    ? [SETPRIV, "--pdeathsig", "KILL", "--", process.execPath, ...nodeArgs]
    : [process.execPath, ...nodeArgs];
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    cwd: REPO,
    env: {
      ...process.env,
      TRAWLER_HOST: "127.0.0.1",
      TRAWLER_PORT: "0",
      TRAWLER_DATA_DIR: dataDir,
      TRAWLER_DATABASE_URL: pgUrl ?? "",
      TRAWLER_SLOTS: String(opts.slots),
      TRAWLER_LOG_LEVEL: opts.logLevel ?? "warn",
      TRAWLER_DEMO: "false",
      TRAWLER_DATABASE_SCHEMA: schema ?? "",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const cleanupFiles = async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (schema && pgUrl) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    }
  };
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.on("line", (line) => {
        const ready = /^Trawler is running at (\S+)/.exec(line);
        if (ready) resolve(ready[1]!);
        else process.stderr.write(`[server] ${line}\n`);
      });
      child.once("exit", (code) => reject(new Error(`server exited with ${code} before it was ready`)));
      setTimeout(() => reject(new Error("server did not start in 60 s")), 60_000).unref();
    });
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    await cleanupFiles();
    throw err;
  }

  const post = async <T>(p: string, body: unknown): Promise<T> => {
    const res = await request(url + p, "POST", JSON.stringify(body));
    if (res.status >= 300) throw new Error(`POST ${p}: ${res.status} ${res.body.toString()}`);
    return JSON.parse(res.body.toString()) as T;
  };
  await post("/api/v1/projects", { name: "bench" });
  const archive = await buffer(packProjectDirectory(FIXTURE));
  const deployed = await request(`${url}/api/v1/projects/bench/versions`, "POST", archive, "application/gzip");
  if (deployed.status !== 201) throw new Error(`deploy failed: ${deployed.status} ${deployed.body.toString()}`);

  const observer =
    dialect === "sqlite" ? sqliteObserver(path.join(dataDir, "trawler.db")) : await pgObserver(pgUrl!, schema!);
  return {
    dialect,
    url,
    pid: child.pid!,
    dataDir,
    schema,
    pgUrl,
    observer,
    post,
    schedule: (spider, args = {}) =>
      post<{ id: number; key: string }>("/api/v1/jobs", { project: "bench", spider, args }),
    async stop() {
      await observer.close();
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
      await cleanupFiles();
    },
  };
}

function sqliteObserver(file: string): Observer {
  const db = new BetterSqlite3(file, { readonly: true });
  db.pragma("busy_timeout = 5000");
  const job = db.prepare<[number], JobState>(
    "select state, outcome, started_at, finished_at, items_count, log_count from jobs where id = ?",
  );
  const firstLog = db
    .prepare<[number], string>("select message from log_lines where job_id = ? order by seq limit 1")
    .pluck();
  const firstItem = db
    .prepare<[number], string>("select data from items where job_id = ? order by seq limit 1")
    .pluck();
  const fields = db
    .prepare<[number], string>("select name from item_fields where job_id = ? order by position")
    .pluck();
  const items = db.prepare<[number], string>("select data from items where job_id = ? order by seq").pluck();
  return {
    job: async (id) => job.get(id),
    firstLog: async (id) => firstLog.get(id),
    firstItem: async (id) => firstItem.get(id),
    summary: async (ids) => {
      const row = db
        .prepare(
          `select count(*) filter (where state = 'finished') as finished, count(*) filter (where outcome = 'finished') as ok,
             min(started_at) as minStarted, max(started_at) as maxStarted, max(finished_at) as maxFinished
           from jobs where id in (select value from json_each(?))`,
        )
        .get(JSON.stringify(ids)) as Summary;
      return row;
    },
    itemFields: async (jobId) => fields.all(jobId),
    async *items(jobId, page) {
      let batch: string[] = [];
      for (const data of items.iterate(jobId)) {
        batch.push(data);
        if (batch.length === page) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    close: async () => {
      db.close();
    },
  };
}

async function pgObserver(url: string, schema: string): Promise<Observer> {
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await c.connect();
  return {
    job: async (id) =>
      (
        await c.query<JobState>(
          "select state, outcome, started_at, finished_at, items_count, log_count from jobs where id = $1",
          [id],
        )
      ).rows[0],
    firstLog: async (id) =>
      (await c.query<{ message: string }>("select message from log_lines where job_id = $1 order by seq limit 1", [id]))
        .rows[0]?.message,
    firstItem: async (id) =>
      (await c.query<{ data: string }>("select data from items where job_id = $1 order by seq limit 1", [id])).rows[0]
        ?.data,
    summary: async (ids) =>
      (
        await c.query<Summary>(
          `select (count(*) filter (where state = 'finished'))::int as finished, (count(*) filter (where outcome = 'finished'))::int as ok,
             min(started_at) as "minStarted", max(started_at) as "maxStarted", max(finished_at) as "maxFinished"
           from jobs where id = any($1::int[])`,
          [ids],
        )
      ).rows[0]!,
    itemFields: async (jobId) =>
      (
        await c.query<{ name: string }>("select name from item_fields where job_id = $1 order by position", [jobId])
      ).rows.map((r) => r.name),
    async *items(jobId, page) {
      // Keyset pages: the plain way to read a large result with node-postgres (no cursor package).
      for (let after = 0; ;) {
        const { rows } = await c.query<{ seq: number; data: string }>(
          "select seq, data from items where job_id = $1 and seq > $2 order by seq limit $3",
          [jobId, after, page],
        );
        if (!rows.length) return;
        after = rows[rows.length - 1]!.seq;
        yield rows.map((r) => r.data);
        if (rows.length < page) return;
      }
    },
    close: () => c.end(),
  };
}

/** Peak resident memory (VmHWM) of a process, in MB. */
export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5). */
export function resetPeak(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

/** Waits until `check` returns a value, polling every `everyMs`. */
export async function until<T>(
  check: () => Promise<T | undefined | false>,
  everyMs: number,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
