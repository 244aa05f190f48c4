// The job directory: pending requests, seen fingerprints and spider state in one SQLite file.
//
// Writes are queued in order and committed together in one transaction at the end of the
// current event-loop turn, so the file is always a prefix of what the crawl did. A request
// row is deleted only after its response was handled and its items were handed to the output;
// rows still present after a crash are exactly the requests not yet done (pending or in flight).
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { RequestRecord } from "../request.ts";

type Op =
  | { kind: "add"; id: number; fp: string | undefined; priority: number; data: string }
  | { kind: "seen"; fp: string }
  | { kind: "done"; id: number }
  | { kind: "kv"; key: string; value: string };

export interface StoredRequest {
  id: number;
  record: RequestRecord;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (fp TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
`;

export class JobStore {
  readonly file: string;
  private readonly db: Database.Database;
  private ops: Op[] = [];
  private flushScheduled = false;
  private commitWaiters: Array<() => void> = [];
  private nextId: number;
  private readonly commit: (ops: Op[]) => void;

  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, "job.sqlite");
    this.db = new Database(this.file);
    // WAL + NORMAL: a commit reaches the OS before the call returns, so it survives kill -9
    // (not a power cut); a checkpoint every 1000 pages keeps the WAL small.
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(SCHEMA);
    const row = this.db.prepare("SELECT max(id) AS m FROM requests").get() as { m: number | null };
    const last = Number(this.getKv("last_request_id") ?? 0);
    this.nextId = Math.max(row.m ?? 0, last) + 1;
    const insertReq = this.db.prepare("INSERT INTO requests (id, priority, data) VALUES (?, ?, ?)");
    const insertSeen = this.db.prepare("INSERT OR IGNORE INTO seen (fp) VALUES (?)");
    const deleteReq = this.db.prepare("DELETE FROM requests WHERE id = ?");
    const putKv = this.db.prepare(
      "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
    this.commit = this.db.transaction((ops: Op[]) => {
      let maxId = 0;
      for (const op of ops) {
        switch (op.kind) {
          case "add":
            if (op.fp !== undefined) insertSeen.run(op.fp);
            insertReq.run(op.id, op.priority, op.data);
            if (op.id > maxId) maxId = op.id;
            break;
          case "seen":
            insertSeen.run(op.fp);
            break;
          case "done":
            deleteReq.run(op.id);
            break;
          case "kv":
            putKv.run(op.key, op.value);
            break;
        }
      }
      if (maxId > 0) putKv.run("last_request_id", String(maxId));
    });
  }

  /** Pending and interrupted requests, highest priority first, oldest first inside a priority. */
  loadRequests(): StoredRequest[] {
    const rows = this.db.prepare("SELECT id, data FROM requests ORDER BY priority DESC, id").all() as Array<{
      id: number;
      data: string;
    }>;
    return rows.map((r) => ({ id: r.id, record: JSON.parse(r.data) as RequestRecord }));
  }

  *loadSeen(): Iterable<string> {
    for (const row of this.db.prepare("SELECT fp FROM seen").pluck().iterate()) yield row as string;
  }

  getKv(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM kv WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  /** Queues a scheduled request (and its fingerprint); returns its row id. */
  add(record: RequestRecord, fp: string | undefined, priority: number): number {
    const id = this.nextId++;
    this.queue({ kind: "add", id, fp, priority, data: JSON.stringify(record) });
    return id;
  }

  markSeen(fp: string): void {
    this.queue({ kind: "seen", fp });
  }

  done(id: number): void {
    this.queue({ kind: "done", id });
  }

  setKv(key: string, value: string): void {
    this.queue({ kind: "kv", key, value });
  }

  /** Commits every queued write now. */
  flush(): void {
    const waiters = this.commitWaiters;
    this.commitWaiters = [];
    if (this.ops.length > 0) {
      const ops = this.ops;
      this.ops = [];
      this.commit(ops);
    }
    for (const w of waiters) w();
  }

  /** Resolves once everything queued so far is committed. */
  committed(): Promise<void> {
    if (this.ops.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.commitWaiters.push(resolve));
  }

  close(): void {
    this.flush();
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    this.db.close();
  }

  private queue(op: Op): void {
    this.ops.push(op);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (this.db.open) this.flush();
      });
    }
  }
}
