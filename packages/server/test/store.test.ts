// The store's conformance suite: the same rules on SQLite and PostgreSQL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStore, type Store } from "../src/store/database.ts";
import { createProject, ensureOrganization, recordVersion } from "../src/store/projects.ts";
import { enqueue } from "../src/queue/sql/enqueue.ts";
import { claim } from "../src/queue/sql/claim.ts";
import { complete } from "../src/queue/sql/complete.ts";
import { heartbeat } from "../src/queue/sql/heartbeat.ts";
import { reapExpired } from "../src/queue/sql/reapExpired.ts";
import { cancel } from "../src/queue/sql/cancel.ts";
import { StaleAttemptError, writeBatch, type IngestBatch } from "../src/store/ingest.ts";
import { eachDialect, PG_URL } from "./helpers/dialects.ts";

eachDialect("store conformance", (dialect) => {
  let store: Store;
  let dataDir: string;
  let schema: string | undefined;
  let spiderId: number;
  let projectId: number;
  let versionId: number;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-store-"));
    schema = dialect === "postgres" ? `s_${randomBytes(6).toString("hex")}` : undefined;
    store = await openStore({ dataDir, databaseUrl: dialect === "postgres" ? PG_URL : undefined, schema });
    const org = await ensureOrganization(store, "default");
    const project = await createProject(store, org.id, "p");
    projectId = project.id;
    const version = await recordVersion(store, {
      projectId,
      label: "v1",
      sha256: "x",
      size: 1,
      path: dataDir,
      archive: Buffer.alloc(0),
      spiders: [{ name: "s", runtime: "command", entry: { command: ["true"] } }],
    });
    versionId = version.id;
    spiderId = (await store.db.selectFrom("spiders").select("id").executeTakeFirstOrThrow()).id;
  });

  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema "${schema}" cascade`);
      await c.end();
    }
  });

  const add = (priority = 2) => enqueue(store, { projectId, spiderId, versionId, priority, args: {}, settings: {}, tags: [] });
  const batch = (jobId: number, attempt: number, items: string[]): IngestBatch => ({
    jobId,
    attempt,
    items,
    logs: [{ time: 1, level: 20, message: "hi" }],
    requests: [],
    newFields: ["a"],
    itemsDropped: 0,
    stats: null,
  });

  it("runs migrations again without harm", async () => {
    const again = await openStore({ dataDir, databaseUrl: dialect === "postgres" ? PG_URL : undefined, schema });
    await again.close();
  });

  it("hands a job out once however many claimers race", async () => {
    const jobs = await Promise.all(Array.from({ length: 30 }, () => add()));
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(store, `node-${i}`, 10, 30_000)));
    const ids = claims.flat().map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort((a, b) => a - b)).toEqual(jobs.map((j) => j.id).sort((a, b) => a - b));
    for (const j of claims.flat()) await complete(store, { jobId: j.id, attempt: j.attempt, outcome: "finished", exitCode: 0, exitSignal: null });
  });

  it("refuses writes and completion from a stale attempt (fencing)", async () => {
    const job = await add(4);
    const [first] = await claim(store, "a", 1, 30_000);
    expect(first!.id).toBe(job.id);
    await writeBatch(store, batch(job.id, first!.attempt, ['{"a":1}']));
    // The lease is reaped as if node "a" had gone silent, and the job ends node_lost.
    await store.db.updateTable("jobs").set({ lease_expires_at: 0 }).where("id", "=", job.id).execute();
    expect((await reapExpired(store)).map((r) => r.id)).toContain(job.id);
    await expect(writeBatch(store, batch(job.id, first!.attempt, ['{"a":2}']))).rejects.toBeInstanceOf(StaleAttemptError);
    expect(await complete(store, { jobId: job.id, attempt: first!.attempt, outcome: "finished", exitCode: 0, exitSignal: null })).toBe(false);
    const row = await store.db.selectFrom("jobs").selectAll().where("id", "=", job.id).executeTakeFirstOrThrow();
    expect(row.outcome).toBe("node_lost");
    expect(Number(row.items_count)).toBe(1);
    const items = await store.db.selectFrom("items").select("data").where("job_id", "=", job.id).execute();
    expect(items.map((i) => i.data)).toEqual(['{"a":1}']);
  });

  it("renews only leases still held, and reports cancels", async () => {
    const job = await add(4);
    const [c] = await claim(store, "b", 1, 30_000);
    expect(await cancel(store, job.id)).toBe("stopping");
    const kept = await heartbeat(store, { id: "b", name: "b", slots: 1, labels: [] }, [{ id: job.id, attempt: c!.attempt }, { id: 999999, attempt: 1 }], 30_000);
    expect(kept).toEqual([{ id: job.id, attempt: c!.attempt, cancelRequested: true, stopRequest: null }]);
    const other = await heartbeat(store, { id: "other", name: "o", slots: 1, labels: [] }, [{ id: job.id, attempt: c!.attempt }], 30_000);
    expect(other).toEqual([]);
    expect(await complete(store, { jobId: job.id, attempt: c!.attempt, outcome: "cancelled", exitCode: null, exitSignal: "SIGINT" })).toBe(true);
    expect(await cancel(store, job.id)).toBe("already_finished");
  });

  it("cancels a pending job so that it is never claimed", async () => {
    const job = await add(4);
    expect(await cancel(store, job.id)).toBe("cancelled");
    const claimed = await claim(store, "c", 100, 30_000);
    expect(claimed.map((j) => j.id)).not.toContain(job.id);
    for (const j of claimed) await complete(store, { jobId: j.id, attempt: j.attempt, outcome: "finished", exitCode: 0, exitSignal: null });
  });

  it("continues sequence numbers across runs of one job", async () => {
    const job = await add(4);
    const [r1] = await claim(store, "d", 1, 30_000);
    await writeBatch(store, batch(job.id, r1!.attempt, ['{"a":1}', '{"a":2}']));
    await complete(store, { jobId: job.id, attempt: r1!.attempt, outcome: null, exitCode: 0, exitSignal: null, nextState: "pending" });
    const [r2] = await claim(store, "d", 1, 30_000);
    expect(r2!.attempt).toBe(r1!.attempt + 1);
    await writeBatch(store, batch(job.id, r2!.attempt, ['{"a":3}']));
    const seqs = await store.db.selectFrom("items").select(["seq", "attempt"]).where("job_id", "=", job.id).orderBy("seq").execute();
    expect(seqs.map((s) => [Number(s.seq), s.attempt])).toEqual([
      [1, r1!.attempt],
      [2, r1!.attempt],
      [3, r2!.attempt],
    ]);
  });
});
