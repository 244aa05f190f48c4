// Cron schedules against real servers: per-second fires with the job's arguments, overlap and
// misfire policies, a 10 s outage (RELIABILITY F23: at most one catch-up, never ten), and two
// servers on one PostgreSQL schema (never a double fire).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type Config } from "../src/config.ts";
import { startServer, type RunningServer } from "../src/server.ts";
import { createProject, ensureOrganization } from "../src/store/projects.ts";
import { deployDirectory } from "../src/versions.ts";
import { eachDialect, FIXTURES, PG_URL, startTestServer, type DialectName, type TestServer } from "./helpers/testServer.ts";

type Schedule = {
  id: number;
  enabled: boolean;
  nextFireAt: string | null;
  nextFires: string[];
  lastJob: string | null;
  stats: { fired: number; catchUps: number; skippedOverlap: number; skippedMisfire: number };
};
type Job = { key: string; args: Record<string, string>; priority: number; tags: string[]; spider: string; createdAt: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call<T>(base: string, method: string, url: string, body?: unknown) {
  const res = await fetch(base + url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A server that can be stopped and started again on the same database (unlike startTestServer). */
function restartable(dialect: DialectName, overrides: Partial<Config> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-sched-"));
  const schema = dialect === "postgres" ? `t_${randomBytes(6).toString("hex")}` : undefined;
  const config = loadConfig(
    { port: 0, dataDir, databaseUrl: dialect === "postgres" ? PG_URL : undefined, slots: 0, logLevel: "warn", ...overrides },
    {},
  );
  const start = (): Promise<RunningServer> => startServer(config, { schema, logger: pino({ level: "warn" }) });
  const cleanup = async () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (!schema || !PG_URL) return;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  };
  return { config, start, cleanup };
}

async function deploy(s: RunningServer, config: Config): Promise<void> {
  const org = await ensureOrganization(s.store, "default");
  const project = await createProject(s.store, org.id, "cron");
  await deployDirectory(s.store, config, project, path.join(FIXTURES, "contract-spiders"));
}

async function jobsTagged(base: string, tag: string): Promise<Job[]> {
  return (await call<{ jobs: Job[] }>(base, "GET", `/api/v1/jobs?tag=${tag}&limit=1000`)).body.jobs;
}

eachDialect("schedules", (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect, { slots: 4 });
    await t.deployFixture("cron");
  });
  afterAll(() => t.stop());

  it("fires a per-second cron, creating jobs with its args, priority and tags, until disabled", async () => {
    const created = await t.api<Schedule>("POST", "/api/v1/projects/cron/schedules", {
      spider: "emit",
      cron: "* * * * * *",
      args: { count: "1" },
      priority: 3,
      tags: ["every-second"],
      overlap: "queue",
    });
    expect(created.status).toBe(201);
    expect(created.body.nextFires).toHaveLength(5);
    const gaps = created.body.nextFires.slice(1).map((f, i) => Date.parse(f) - Date.parse(created.body.nextFires[i]!));
    expect(gaps).toEqual([1000, 1000, 1000, 1000]);
    await sleep(3200);
    const off = await t.api<Schedule>("PATCH", `/api/v1/schedules/${created.body.id}`, { enabled: false });
    expect(off.body.enabled).toBe(false);
    expect(off.body.nextFireAt).toBeNull();
    const jobs = await jobsTagged(t.url, "every-second");
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(jobs.length).toBeLessThanOrEqual(4);
    expect(off.body.stats.fired).toBe(jobs.length);
    for (const j of jobs) expect(j).toMatchObject({ spider: "emit", args: { count: "1" }, priority: 3, tags: ["every-second"] });
    for (const j of jobs) await t.waitForJob(j.key);
    await sleep(1500);
    expect(await jobsTagged(t.url, "every-second")).toHaveLength(jobs.length);

    const on = await t.api<Schedule>("PATCH", `/api/v1/schedules/${created.body.id}`, { enabled: true });
    expect(Date.parse(on.body.nextFireAt!)).toBeGreaterThan(Date.now() - 1000);
    expect((await t.api("DELETE", `/api/v1/schedules/${created.body.id}`)).status).toBe(204);
    expect((await t.api("GET", `/api/v1/schedules/${created.body.id}`)).body).toMatchObject({ error: "schedule_not_found" });
  });

  it("reads the expression in its timezone and shows the next five fire times", async () => {
    // Asia/Kolkata is UTC+05:30 all year: 02:30 there is 21:00 UTC the day before.
    const res = await t.api<Schedule & { timezone: string }>("POST", "/api/v1/projects/cron/schedules", {
      spider: "emit",
      cron: "30 2 * * *",
      timezone: "Asia/Kolkata",
    });
    expect(res.status).toBe(201);
    expect(res.body.timezone).toBe("Asia/Kolkata");
    expect(res.body.nextFires).toHaveLength(5);
    for (const f of res.body.nextFires) expect(f).toMatch(/T21:00:00\.000Z$/);
    expect(res.body.nextFireAt).toBe(res.body.nextFires[0]);
    const moved = await t.api<Schedule>("PATCH", `/api/v1/schedules/${res.body.id}`, { timezone: "UTC" });
    for (const f of moved.body.nextFires) expect(f).toMatch(/T02:30:00\.000Z$/);
    const list = await t.api<{ schedules: Schedule[] }>("GET", "/api/v1/projects/cron/schedules");
    expect(list.body.schedules.map((s) => s.id)).toContain(res.body.id);
  });

  it("refuses bad expressions, timezones, spiders and policies with stable codes", async () => {
    const post = (body: Record<string, unknown>) => t.api<{ error: string }>("POST", "/api/v1/projects/cron/schedules", { spider: "emit", cron: "* * * * *", ...body });
    expect((await post({ cron: "every minute" })).body.error).toBe("invalid_cron");
    expect((await post({ cron: "0 0 30 2 *" })).body.error).toBe("invalid_cron");
    expect((await post({ timezone: "Mars/Olympus" })).body.error).toBe("invalid_timezone");
    expect((await post({ spider: "nope" })).body.error).toBe("spider_not_found");
    expect((await post({ overlap: "sometimes" })).body.error).toBe("invalid_request");
    expect((await post({ args: { "bad name": "x" } })).body.error).toBe("invalid_argument");
    expect((await t.api<{ error: string }>("POST", "/api/v1/projects/nope/schedules", { spider: "emit", cron: "* * * * *" })).body.error).toBe("project_not_found");
    expect((await t.api<{ error: string }>("PATCH", "/api/v1/schedules/999999", { enabled: false })).body.error).toBe("schedule_not_found");
  });
});

eachDialect("schedule policies", (dialect) => {
  const server = restartable(dialect);
  let s: RunningServer;
  beforeAll(async () => {
    s = await server.start();
    await deploy(s, server.config);
  });
  afterAll(async () => {
    await s?.close(1000);
    await server.cleanup();
  });

  // The server runs no jobs (slots 0), so every job it creates stays pending: "still running".
  it("overlap skip creates no job while the last one is pending; queue always does", async () => {
    const mk = (overlap: string, tag: string) =>
      call<Schedule>(s.url, "POST", "/api/v1/projects/cron/schedules", { spider: "sleep", cron: "* * * * * *", overlap, tags: [tag] });
    const [skip, queue] = [await mk("skip", "ov-skip"), await mk("queue", "ov-queue")];
    await sleep(3200);
    for (const x of [skip, queue]) await call(s.url, "PATCH", `/api/v1/schedules/${x.body.id}`, { enabled: false });
    expect(await jobsTagged(s.url, "ov-skip")).toHaveLength(1);
    expect((await jobsTagged(s.url, "ov-queue")).length).toBeGreaterThanOrEqual(2);
    const after = await call<Schedule>(s.url, "GET", `/api/v1/schedules/${skip.body.id}`);
    expect(after.body.stats.fired).toBe(1);
    expect(after.body.stats.skippedOverlap).toBeGreaterThanOrEqual(1);
  });
});

// One outage for every dialect at once, so the suite waits 10 s only once.
describe("a 10 s outage", () => {
  it("fires at most one catch-up job (misfire once) or none (misfire skip), never ten", async () => {
    await Promise.all((PG_URL ? (["sqlite", "postgres"] as const) : (["sqlite"] as const)).map((d) => outage(d)));
  });
});

async function outage(dialect: DialectName): Promise<void> {
  const server = restartable(dialect);
  let s = await server.start();
  try {
    await deploy(s, server.config);
      const mk = (misfire: string, tag: string) =>
        call<Schedule>(s.url, "POST", "/api/v1/projects/cron/schedules", { spider: "sleep", cron: "* * * * * *", overlap: "queue", misfire, tags: [tag] });
      const [once, skip] = [await mk("once", "mf-once"), await mk("skip", "mf-skip")];
      await sleep(1500);
      await s.close(1000);
      const downAt = Date.now();
      await sleep(10_000);
      s = await server.start();
      const upAt = Date.now();
      await sleep(2500);
      for (const x of [once, skip]) await call(s.url, "PATCH", `/api/v1/schedules/${x.body.id}`, { enabled: false });
      const since = (jobs: Job[], t: number) => jobs.filter((j) => Date.parse(j.createdAt) >= t - 200);

      const o = (await call<Schedule>(s.url, "GET", `/api/v1/schedules/${once.body.id}`)).body;
      expect(o.stats).toMatchObject({ catchUps: 1, skippedMisfire: 0 });
      const k = (await call<Schedule>(s.url, "GET", `/api/v1/schedules/${skip.body.id}`)).body;
      expect(k.stats).toMatchObject({ catchUps: 0, skippedMisfire: 1 });
      // Nothing was created while down; after the restart, one catch-up plus the on-time slots.
      const onceJobs = await jobsTagged(s.url, "mf-once");
      const skipJobs = await jobsTagged(s.url, "mf-skip");
      expect(onceJobs.filter((j) => Date.parse(j.createdAt) > downAt && Date.parse(j.createdAt) < upAt - 200)).toHaveLength(0);
      const slots = Math.ceil((Date.now() - upAt) / 1000);
      expect(since(onceJobs, upAt).length).toBeLessThanOrEqual(slots + 1);
      expect(since(skipJobs, upAt).length).toBeLessThanOrEqual(slots);
      expect(onceJobs.length).toBe(o.stats.fired + o.stats.catchUps);
      expect(skipJobs.length).toBe(k.stats.fired);
  } finally {
    await s.close(1000);
    await server.cleanup();
  }
}

describe.skipIf(!PG_URL)("two servers on one PostgreSQL schema", () => {
  const server = restartable("postgres");
  let a: RunningServer;
  let b: RunningServer;
  beforeAll(async () => {
    a = await server.start();
    await deploy(a, server.config);
    b = await server.start();
  });
  afterAll(async () => {
    await Promise.all([a?.close(1000), b?.close(1000)]);
    await server.cleanup();
  });

  it("never fires one slot twice", async () => {
    const created = await call<Schedule>(a.url, "POST", "/api/v1/projects/cron/schedules", {
      spider: "sleep",
      cron: "* * * * * *",
      overlap: "queue",
      tags: ["two-servers"],
    });
    const from = Date.now();
    await sleep(4200);
    await call(b.url, "PATCH", `/api/v1/schedules/${created.body.id}`, { enabled: false });
    const elapsed = Date.now() - from;
    const jobs = await jobsTagged(b.url, "two-servers");
    const stats = (await call<Schedule>(b.url, "GET", `/api/v1/schedules/${created.body.id}`)).body.stats;
    expect(jobs.length).toBe(stats.fired + stats.catchUps);
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    expect(jobs.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000));
    // Both servers firing one slot would create its two jobs within milliseconds of each other.
    // (Not a half-second: a fire that is late under load may land close to the next slot's.)
    const times = jobs.map((j) => Date.parse(j.createdAt)).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(50);
  });
});
