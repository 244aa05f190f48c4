// Log retention: lines older than TRAWLER_LOG_RETENTION_DAYS (database time) are deleted by the
// periodic task, in bounded batches; recent lines, items and the job itself are kept.

import { afterAll, beforeAll, expect, it } from "vitest";
import { deleteOldLogLines } from "../src/retention/logRetention.ts";
import { eachDialect, startTestServer, type TestServer } from "./helpers/testServer.ts";

const DAY = 86_400_000;

eachDialect("log retention", (dialect) => {
  let t: TestServer;
  let job: { key: string; id: number };
  beforeAll(async () => {
    t = await startTestServer(dialect, { slots: 1, logRetentionDays: 30, retentionIntervalMs: 200 });
    await t.deployFixture("ret");
    job = (await t.api<{ key: string; id: number }>("POST", "/api/v1/jobs", { project: "ret", spider: "emit", args: { count: "3" } })).body;
    await t.waitForJob(job.key);
  });
  afterAll(() => t.stop());

  const lines = async () =>
    t.store.db.selectFrom("log_lines").select(["seq", "time"]).where("job_id", "=", job.id).orderBy("seq").execute();

  async function addLines(fromSeq: number, n: number, ageDays: number) {
    const now = Date.now();
    await t.store.db
      .insertInto("log_lines")
      .values(Array.from({ length: n }, (_, i) => ({ job_id: job.id, seq: fromSeq + i, attempt: 1, time: now - ageDays * DAY, level: 20, message: `old ${i}` })))
      .execute();
  }

  it("deletes lines older than the retention age and keeps recent ones", async () => {
    const recent = await lines();
    expect(recent.length).toBeGreaterThan(0);
    await addLines(10_000, 50, 31);
    await addLines(20_000, 5, 29);
    const deadline = Date.now() + 5000;
    while ((await lines()).some((l) => l.seq >= 10_000 && l.seq < 20_000) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const left = await lines();
    expect(left.filter((l) => l.seq >= 10_000 && l.seq < 20_000)).toHaveLength(0);
    expect(left.filter((l) => l.seq >= 20_000)).toHaveLength(5);
    expect(left.filter((l) => l.seq < 10_000)).toEqual(recent);
    expect((await t.api("GET", `/api/v1/jobs/${job.key}`)).status).toBe(200);
  });

  it("works in bounded batches", async () => {
    await addLines(30_000, 23, 40);
    expect(await deleteOldLogLines(t.store, 30, 5)).toBe(23);
    expect(await deleteOldLogLines(t.store, 30, 5)).toBe(0);
    expect(await deleteOldLogLines(t.store, 0, 5)).toBe(0);
  });
});
