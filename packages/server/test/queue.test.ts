import { afterAll, beforeAll, expect, it } from "vitest";
import { eachDialect, startTestServer, type TestServer } from "./helpers/testServer.ts";

type Job = { key: string; id: number; number: number; priority: number };

eachDialect("the queue", (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect, { slots: 1 });
    await t.deployFixture("contract");
  });
  afterAll(() => t.stop());

  it("dispatches higher priorities first and FIFO inside a priority", async () => {
    const blocker = await t.api<Job>("POST", "/api/v1/jobs", { project: "contract", spider: "sleep", args: { ms: "1500", label: "blocker" } });
    await t.waitForJob(blocker.body.key, "running");
    const plan = [0, 4, 2, 4, 0, 2, 3];
    const jobs: Job[] = [];
    for (const [i, priority] of plan.entries()) {
      const res = await t.api<Job>("POST", "/api/v1/jobs", { project: "contract", spider: "sleep", priority, args: { ms: "10", label: String(i) } });
      jobs.push(res.body);
    }
    for (const j of jobs) await t.waitForJob(j.key);
    const runs = await t.store.db
      .selectFrom("job_runs")
      .select(["job_id", "started_at"])
      .where("job_id", "in", jobs.map((j) => j.id))
      .orderBy("started_at")
      .orderBy("job_id")
      .execute();
    const order = runs.map((r) => jobs.findIndex((j) => j.id === r.job_id));
    expect(order).toEqual([1, 3, 6, 2, 5, 0, 4]);
  });

  it("gives 20 concurrent schedule calls 20 distinct job numbers", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.api<Job>("POST", "/api/v1/jobs", { project: "contract", spider: "emit", args: { count: "0" }, priority: 0 })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const numbers = results.map((r) => r.body.number);
    expect(new Set(numbers).size).toBe(20);
    for (const r of results) await t.waitForJob(r.body.key);
  });
});

eachDialect("slot capacity", (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect, { slots: 2 });
    await t.deployFixture("contract");
  });
  afterAll(() => t.stop());

  it("never runs more jobs at once than the node has slots", async () => {
    const jobs = await Promise.all(
      Array.from({ length: 7 }, (_, i) => t.api<Job>("POST", "/api/v1/jobs", { project: "contract", spider: "sleep", args: { ms: "300", label: String(i) } })),
    );
    for (const j of jobs) await t.waitForJob(j.body.key);
    const runs = await t.store.db
      .selectFrom("job_runs")
      .select(["started_at", "finished_at"])
      .where("job_id", "in", jobs.map((j) => j.body.id))
      .execute();
    const events = runs.flatMap((r) => [
      { t: r.started_at, d: 1 },
      { t: r.finished_at!, d: -1 },
    ]);
    events.sort((a, b) => a.t - b.t || a.d - b.d);
    let now = 0;
    let max = 0;
    for (const e of events) max = Math.max(max, (now += e.d));
    expect(max).toBe(2);
  });
});
