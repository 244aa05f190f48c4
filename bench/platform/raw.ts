// The baselines each Trawler figure is divided by, measured in the same run on the same
// machine: raw batched inserts of the same rows into a table of the same shape, a raw
// query-and-write of the same items to a file, and a bare `spawn` of the same spider.

import { spawn } from "node:child_process";
import fs from "node:fs";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { stringify } from "csv-stringify/sync";
import pg from "pg";
// @ts-expect-error plain JavaScript fixture shared with the spider, no type declarations
import { item, logMessage, LOG_TIME } from "../fixtures/platform/rows.mjs";
import { FIXTURE, now, type Observer } from "./harness.ts";

const itemText = item as (i: number) => string;
const logText = logMessage as (i: number) => string;
const logTime = LOG_TIME as number;

const BATCH = 1000;

export interface RawInsertResult {
  rows: number;
  seconds: number;
  perS: number;
}

type Kind = "items" | "logs";

/** Columns of one row, as the server stores it (job 1, attempt 1). */
function rowOf(kind: Kind, i: number): unknown[] {
  return kind === "items" ? [1, i + 1, 1, itemText(i)] : [1, i + 1, 1, logTime, 20, logText(i)];
}

const SQLITE_DDL: Record<Kind, string[]> = {
  items: [
    "create table items (job_id integer not null, seq bigint not null, attempt integer not null, data text not null, primary key (job_id, seq))",
  ],
  logs: [
    `create table log_lines (job_id integer not null, seq bigint not null, attempt integer not null, time bigint not null,
       level integer not null, message text not null, primary key (job_id, seq))`,
    "create index log_lines_level on log_lines (job_id, level, seq)",
    "create index log_lines_time on log_lines (time)",
  ],
};

/**
 * better-sqlite3, the server's pragmas (WAL, synchronous=NORMAL), a table of the same shape
 * (primary key, and the log table's two indexes), one prepared insert per row, 1,000 rows per
 * transaction. Only the transactions are timed; the rows are built outside the clock.
 */
export function rawSqliteInsert(kind: Kind, n: number): RawInsertResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-bench-raw-"));
  try {
    const db = new BetterSqlite3(path.join(dir, "raw.db"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    for (const ddl of SQLITE_DDL[kind]) db.exec(ddl);
    const insert = db.prepare(
      kind === "items"
        ? "insert into items (job_id, seq, attempt, data) values (?, ?, ?, ?)"
        : "insert into log_lines (job_id, seq, attempt, time, level, message) values (?, ?, ?, ?, ?, ?)",
    );
    const many = db.transaction((rows: unknown[][]) => {
      for (const r of rows) insert.run(...r);
    });
    let ms = 0;
    for (let i = 0; i < n; i += BATCH) {
      const rows: unknown[][] = [];
      for (let k = i; k < Math.min(n, i + BATCH); k++) rows.push(rowOf(kind, k));
      const t = performance.now();
      many(rows);
      ms += performance.now() - t;
    }
    db.close();
    return { rows: n, seconds: ms / 1000, perS: n / (ms / 1000) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * node-postgres into a fresh table of the same shape in the bench schema: one multi-row
 * INSERT of 1,000 rows per transaction (autocommit), parameters bound. Rows built outside the clock.
 */
export async function rawPostgresInsert(kind: Kind, n: number, url: string, schema: string): Promise<RawInsertResult> {
  const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await c.connect();
  const table = kind === "items" ? "raw_items" : "raw_log_lines";
  try {
    if (kind === "items")
      await c.query(
        `create table ${table} (job_id integer not null, seq bigint not null, attempt integer not null, data text not null, primary key (job_id, seq))`,
      );
    else {
      await c.query(`create table ${table} (job_id integer not null, seq bigint not null, attempt integer not null, time bigint not null,
        level integer not null, message text not null, primary key (job_id, seq))`);
      await c.query(`create index on ${table} (job_id, level, seq)`);
      await c.query(`create index on ${table} (time)`);
    }
    const cols = kind === "items" ? 4 : 6;
    const sqlFor = (rows: number) =>
      `insert into ${table} values ` +
      Array.from(
        { length: rows },
        (_, r) => `(${Array.from({ length: cols }, (_, k) => `$${r * cols + k + 1}`).join(",")})`,
      ).join(",");
    const full = sqlFor(BATCH);
    let ms = 0;
    for (let i = 0; i < n; i += BATCH) {
      const params: unknown[] = [];
      const count = Math.min(n, i + BATCH) - i;
      for (let k = i; k < i + count; k++) params.push(...rowOf(kind, k));
      const text = count === BATCH ? full : sqlFor(count);
      const t = performance.now();
      await c.query(text, params);
      ms += performance.now() - t;
    }
    await c.query(`drop table ${table}`);
    return { rows: n, seconds: ms / 1000, perS: n / (ms / 1000) };
  } finally {
    await c.end();
  }
}

const FORMULA_START = /^[=+\-@\t\r]/;
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The raw export: read the job's item rows from the store (better-sqlite3 `iterate`, or keyset
 * pages on PostgreSQL) and write them to a file, 2,000 rows per write with back-pressure; CSV
 * with the same columns and the same encoder (csv-stringify) as the server. Returns seconds and bytes.
 */
export async function rawExport(
  observer: Observer,
  jobId: number,
  format: "csv" | "jsonl",
  file: string,
): Promise<{ seconds: number; bytes: number }> {
  const t = now();
  const out = fs.createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  const columns = format === "csv" ? await observer.itemFields(jobId) : [];
  if (format === "csv") await write(stringify([columns.map(csvCell)]));
  for await (const rows of observer.items(jobId, 2000)) {
    if (format === "jsonl") await write(rows.join("\n") + "\n");
    else
      await write(
        stringify(
          rows.map((r) => {
            const obj = JSON.parse(r) as Record<string, unknown>;
            return columns.map((c) => csvCell(obj[c]));
          }),
        ),
      );
  }
  out.end();
  await once(out, "close");
  return { seconds: (now() - t) / 1000, bytes: fs.statSync(file).size };
}

/** A bare Node parent spawning the dispatch spider: spawn call → its process start and first line. */
export async function rawSpawn(times: number): Promise<{ processStart: number[]; firstLine: number[] }> {
  const processStart: number[] = [];
  const firstLine: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = now();
    const child = spawn("node", ["hello.cjs"], {
      cwd: FIXTURE,
      stdio: ["ignore", "pipe", "inherit"],
      env: { PATH: process.env.PATH ?? "" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await once(child, "close");
    const rec = JSON.parse(out) as { processStart: number; firstLine: number };
    processStart.push(rec.processStart - t0);
    firstLine.push(rec.firstLine - t0);
  }
  return { processStart, firstLine };
}
