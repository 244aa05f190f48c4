// Issue 4's outcomes, each produced by a real mechanism against a real process.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, startTestServer, type TestServer } from "./helpers/testServer.ts";

type Job = { key: string; id: number; state: string; outcome: string | null; items: number; exitSignal: string | null; exitCode: number | null };

/** No live (non-zombie) process left in the group, as `ps` sees it. */
function groupGone(pgid: number): boolean {
  const out = execFileSync("ps", ["-eo", "pgid=,stat="], { encoding: "utf8" });
  return !out.split("\n").some((line) => {
    const [group, stat] = line.trim().split(/\s+/);
    return Number(group) === pgid && !stat?.startsWith("Z");
  });
}

describe("job supervision", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer("sqlite", { sampleMs: 200, slots: 6 });
    await t.deployFixture("supervision", path.join(FIXTURES, "supervision"));
    await t.deployFixture("contract");
  });
  afterAll(() => t.stop());

  const schedule = async (project: string, spider: string, extra: Record<string, unknown> = {}) => {
    const res = await t.api<Job>("POST", "/api/v1/jobs", { project, spider, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  };
  const pidOf = async (id: number) => {
    for (let i = 0; i < 100; i++) {
      const run = await t.store.db.selectFrom("job_runs").select("pid").where("job_id", "=", id).orderBy("attempt", "desc").executeTakeFirst();
      if (run?.pid) return run.pid;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("no pid");
  };

  it("stops a job gracefully past its soft memory limit: memusage_exceeded", async () => {
    const job = await schedule("supervision", "hog", { limits: { memorySoftMb: 100, memoryHardMb: 0, cancelTimeoutMs: 5000 } });
    const done = (await t.waitForJob(job.key, "finished", 30_000)) as Job;
    expect(done.outcome).toBe("memusage_exceeded");
    expect(done.exitCode).toBe(0); // it honoured the SIGINT
    expect(groupGone(await pidOf(job.id))).toBe(true);
  });

  it("kills a job at once past its hard memory limit: killed by oom", async () => {
    const job = await schedule("supervision", "hog", { limits: { memorySoftMb: 0, memoryHardMb: 120 } });
    const done = (await t.waitForJob(job.key, "finished", 30_000)) as Job;
    expect(done.outcome).toBe("killed by oom");
    expect(done.exitSignal).toBe("SIGKILL");
  });

  it("ends a silent job: cancelled (stalled)", async () => {
    const job = await schedule("supervision", "silent", { limits: { stallTimeoutMs: 1000 } });
    const done = (await t.waitForJob(job.key, "finished", 20_000)) as Job;
    expect(done.outcome).toBe("cancelled (stalled)");
    const logs = await t.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs?level=error`);
    expect(logs.body.logs.map((l) => l.message).join("\n")).toMatch(/stalled/);
  });

  it("ends a job past its time limit: cancelled (time limit)", async () => {
    const job = await schedule("contract", "sleep", { args: { ms: "20000" }, limits: { timeLimitMs: 1000, cancelTimeoutMs: 1000 } });
    const done = (await t.waitForJob(job.key, "finished", 20_000)) as Job;
    expect(done.outcome).toBe("cancelled (time limit)");
  });

  it("kills a spider that ignores signals, grandchildren included: cancel_timeout", async () => {
    const job = await schedule("supervision", "stubborn", { limits: { cancelTimeoutMs: 3000 } });
    await t.waitForJob(job.key, "running");
    const pid = await pidOf(job.id);
    await new Promise((r) => setTimeout(r, 300));
    const first = await t.api<Job>("POST", `/api/v1/jobs/${job.key}/cancel`);
    expect(first.status).toBe(200);
    const second = await t.api<Job>("POST", `/api/v1/jobs/${job.key}/cancel`);
    expect(second.status).toBe(200);
    const done = (await t.waitForJob(job.key, "finished", 20_000)) as Job;
    expect(done.outcome).toBe("cancel_timeout");
    expect(groupGone(pid)).toBe(true);
    const again = await t.api<{ error: string }>("POST", `/api/v1/jobs/${job.key}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("job_finished");
  });

  it("cancels a running job gracefully and keeps its data", async () => {
    const job = await schedule("supervision", "counter", { args: { total: "1000", ms: "20" } });
    await t.waitForJob(job.key, "running");
    await new Promise((r) => setTimeout(r, 500));
    await t.api("POST", `/api/v1/jobs/${job.key}/cancel`);
    const done = (await t.waitForJob(job.key)) as Job;
    expect(done.outcome).toBe("cancelled");
    expect(done.items).toBeGreaterThan(0);
    expect(done.items).toBeLessThan(1000);
  });

  it("records a spider killed by SIGKILL as failed, with its logs, and frees its slot", async () => {
    const job = await schedule("supervision", "counter", { args: { total: "100000", ms: "5" } });
    await t.waitForJob(job.key, "running");
    const pid = await pidOf(job.id);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(pid, "SIGKILL");
    const done = (await t.waitForJob(job.key, "finished", 2000)) as Job;
    expect(done.outcome).toBe("failed");
    expect(done.exitSignal).toBe("SIGKILL");
    expect(done.items).toBeGreaterThan(0);
    const logs = await t.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs`);
    const messages = logs.body.logs.map((l) => l.message);
    expect(messages).toContain("starting at 0");
    expect(messages.at(-1)).toBe("Spider process ended: killed by SIGKILL");
  });

  it("pauses and resumes a program that honours TRAWLER_JOB_DIR, without losing or repeating work", async () => {
    const job = await schedule("supervision", "counter", { args: { total: "40", ms: "40" } });
    for (let round = 0; round < 3; round++) {
      await t.waitForJob(job.key, "running");
      await new Promise((r) => setTimeout(r, 300));
      expect((await t.api("POST", `/api/v1/jobs/${job.key}/pause`)).status).toBe(200);
      const paused = (await t.waitForJob(job.key, "paused")) as Job;
      expect(paused.outcome).toBeNull();
      expect((await t.api("POST", `/api/v1/jobs/${job.key}/resume`)).status).toBe(200);
    }
    const done = (await t.waitForJob(job.key, "finished", 30_000)) as Job;
    expect(done.outcome).toBe("finished");
    const items = await t.api<{ items: { data: { n: number } }[] }>("GET", `/api/v1/jobs/${job.key}/items?limit=1000`);
    expect(items.body.items.map((i) => i.data.n)).toEqual([...Array(40).keys()]);
    const runs = await t.api<{ runs: { attempt: number; outcome: string }[] }>("GET", `/api/v1/jobs/${job.key}/runs`);
    expect(runs.body.runs.map((r) => r.outcome)).toEqual(["paused", "paused", "paused", "finished"]);
    expect((await t.api<{ error: string }>("POST", `/api/v1/jobs/${job.key}/resume`)).body.error).toBe("job_not_paused");
  });

  it("pauses a pending job so that it does not start until resumed", async () => {
    const blockers = await Promise.all(Array.from({ length: 6 }, () => schedule("supervision", "silent", { limits: { stallTimeoutMs: 0 } })));
    const job = await schedule("supervision", "nothing");
    expect((await t.api<Job>("POST", `/api/v1/jobs/${job.key}/pause`)).body.state).toBe("paused");
    const cancelled = await t.api<{ matched: number }>("POST", "/api/v1/jobs/cancel", { keys: blockers.map((b) => b.key) });
    expect(cancelled.body.matched).toBe(6);
    for (const b of blockers) expect(((await t.waitForJob(b.key)) as Job).outcome).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 500));
    expect(((await t.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body).state).toBe("paused");
    await t.api("POST", `/api/v1/jobs/${job.key}/resume`);
    expect(((await t.waitForJob(job.key)) as Job).outcome).toBe("finished");
  });

  it("reruns a job as a new job with the same spider, arguments, priority and tags", async () => {
    const job = await schedule("contract", "emit", { args: { count: "2" }, priority: 3, tags: ["a", "b"] });
    await t.waitForJob(job.key);
    const rerun = await t.api<Job & { args: unknown; priority: number; tags: string[] }>("POST", `/api/v1/jobs/${job.key}/rerun`);
    expect(rerun.status).toBe(201);
    expect(rerun.body.key).not.toBe(job.key);
    expect(rerun.body).toMatchObject({ args: { count: "2" }, priority: 3, tags: ["a", "b"] });
    expect(((await t.waitForJob(rerun.body.key)) as Job).items).toBe(2);
  });

  it("samples CPU and memory into a metrics series with derived figures", async () => {
    const job = await schedule("supervision", "counter", { args: { total: "30", ms: "50" } });
    await t.waitForJob(job.key);
    const m = await t.api<{ series: { rssBytes: number; items: number }[]; summary: Record<string, unknown> }>("GET", `/api/v1/jobs/${job.key}/metrics`);
    expect(m.body.series.length).toBeGreaterThanOrEqual(3);
    expect(m.body.series.every((p) => p.rssBytes > 1_000_000)).toBe(true);
    expect(m.body.series.at(-1)!.items).toBeGreaterThan(0);
    expect(m.body.summary.itemsPerMinute).toBeGreaterThan(0);
  });

  it("shows the effective limits, nearest level winning", async () => {
    await t.api("PATCH", "/api/v1/projects/contract", { limits: { stallTimeoutMs: 111_000, timeLimitMs: 222_000 } });
    await t.api("PATCH", "/api/v1/projects/contract/spiders/emit", { limits: { timeLimitMs: 333_000 } });
    const job = await schedule("contract", "emit", { args: { count: "1" }, limits: { cancelTimeoutMs: 4000 } });
    const got = await t.api<{ limits: Record<string, number> }>("GET", `/api/v1/jobs/${job.key}`);
    expect(got.body.limits).toMatchObject({ stallTimeoutMs: 111_000, timeLimitMs: 333_000, cancelTimeoutMs: 4000, memorySoftMb: 1024 });
  });

  it("stops a running job with project_deleted when its project is deleted, then removes the data", async () => {
    await t.deployFixture("doomed", path.join(FIXTURES, "supervision"));
    const job = await schedule("doomed", "counter", { args: { total: "100000", ms: "10" } });
    const pending = await schedule("doomed", "nothing", { priority: 0 });
    await t.waitForJob(job.key, "running");
    const del = await t.api<{ stoppingJobs: number }>("DELETE", "/api/v1/projects/doomed");
    expect(del.status).toBe(202);
    expect(del.body.stoppingJobs).toBeGreaterThanOrEqual(1);
    expect((await t.api("GET", "/api/v1/projects/doomed")).status).toBe(404);
    // The running job ends project_deleted; at the next heartbeat everything of the project goes.
    const outcomes = new Set<string | null>();
    const rows = async () => t.store.db.selectFrom("jobs").select(["id", "outcome"]).where("id", "in", [job.id, pending.id]).execute();
    for (let i = 0; i < 500; i++) {
      const now = await rows();
      for (const r of now) outcomes.add(r.outcome);
      if (now.length === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(outcomes).toContain("project_deleted");
    expect(await rows()).toEqual([]);
    expect(fs.existsSync(path.join(t.config.dataDir, "jobs", String(job.id)))).toBe(false);
  });
});
