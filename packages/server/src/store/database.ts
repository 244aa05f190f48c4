// Opens the store on SQLite (default, one file in the data directory, WAL) or PostgreSQL.

import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type RawBuilder, type SqliteDatabase } from "kysely";
import { type Dialect, nowMs } from "./dialect.ts";
import { migrateToLatest } from "./migrate.ts";
import type { Database } from "./schema.ts";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The database clock, for use inside queries. */
  now(): RawBuilder<number>;
  /** Present on SQLite only: the raw handle, for the ingestion fast path. */
  sqlite?: BetterSqlite3.Database;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (tests give each file its own). */
  schema?: string;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema) : openSqlite(options.dataDir);
  try {
    await migrateToLatest(store.db, store.dialect, options.databaseUrl ? options.schema : undefined);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

function openSqlite(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const sqlite = new BetterSqlite3(path.join(dataDir, "trawler.db"));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) });
  return {
    db,
    dialect: "sqlite",
    sqlite,
    now: () => nowMs("sqlite"),
    close: () => db.destroy(),
  };
}

const STATEMENTS_KEPT = 200;

/**
 * Kysely prepares every query it runs, and preparing is much of a small query's cost (about
 * 0.1 ms for an export page). better-sqlite3 statements can be run again, so the most recently
 * used ones are kept by their SQL text; one still being iterated is never handed out twice.
 */
function reusingStatements(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const kept = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const old = kept.get(sql);
      if (old && !old.busy) {
        kept.delete(sql);
        kept.set(sql, old);
        return old;
      }
      const stmt = sqlite.prepare(sql);
      kept.set(sql, stmt);
      if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
      return stmt;
    },
  };
}

async function openPostgres(url: string, schema: string | undefined): Promise<Store> {
  // Loaded only here: a SQLite server never pays for the driver.
  const { default: pg } = await import("pg");
  // int8 (bigint) columns hold millisecond times and counters, well inside 2^53.
  pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${schema.replace(/"/g, "")}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A cursor lets one query stream (sorted exports) instead of being paged and re-sorted.
  const { default: Cursor } = await import("pg-cursor");
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  return { db, dialect: "postgres", now: () => nowMs("postgres"), close: () => db.destroy() };
}
