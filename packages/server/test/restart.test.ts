// The server dies or is stopped while jobs run: nothing is left running, nothing runs twice,
// nothing queued is lost.
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURES } from "./helpers/testServer.ts";
import { startChildServer, until, uploadProject, type ChildServer } from "./helpers/childServer.ts";

type Job = { key: string; state: string; outcome: string | null; items: number; attempt: number };
type Page = { jobs: Job[]; nextCursor: string | null };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

/** Another process holding SQLite's write lock until killed; prints a line once it holds it. */
function lockDatabase(dataDir: string) {
  return spawn(
    process.execPath,
    ["-e", `const db = new (require("better-sqlite3"))(process.argv[1]); db.exec("BEGIN EXCLUSIVE"); console.log("locked"); setInterval(() => {}, 1000);`, path.join(dataDir, "trawler.db")],
    { cwd: import.meta.dirname, stdio: ["ignore", "pipe", "inherit"] },
  );
}

async function allJobs(s: ChildServer): Promise<Job[]> {
  const out: Job[] = [];
  for (let cursor: string | null = ""; cursor !== null; ) {
    const { body }: { body: Page } = await s.api<Page>("GET", `/api/v1/jobs?limit=1000${cursor ? `&cursor=${cursor}` : ""}`);
    out.push(...body.jobs);
    cursor = body.nextCursor;
  }
  return out;
}

describe("server restarts", () => {
  const dirs: string[] = [];
  const servers: ChildServer[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.child.kill("SIGKILL");
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const start = async (dataDir: string, env: Record<string, string> = {}) => {
    const s = await startChildServer(dataDir, { TRAWLER_HEARTBEAT_MS: "500", TRAWLER_POLL_MS: "200", ...env });
    servers.push(s);
    return s;
  };
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-restart-"));
    dirs.push(d);
    return d;
  };

  it("kill -9 with 8 running jobs: spiders die with it; on restart they end node_lost and a 1,000-job backlog all runs once", async () => {
    const dataDir = tmp();
    let s = await start(dataDir, { TRAWLER_SLOTS: "8", TRAWLER_STALL_TIMEOUT_MS: "0" });
    await uploadProject(s, "sup", path.join(FIXTURES, "supervision"));
    const running: Job[] = [];
    for (let i = 0; i < 8; i++) running.push((await s.api<Job>("POST", "/api/v1/jobs", { project: "sup", spider: "silent", priority: 4 })).body);
    await until("8 running jobs", async () => (await s.api<Page>("GET", "/api/v1/jobs?state=running")).body.jobs.length === 8);
    const pids: number[] = [];
    for (const j of running) {
      const runs = await s.api<{ runs: { pid: number | null }[] }>("GET", `/api/v1/jobs/${j.key}/runs`);
      pids.push(await until("a pid", async () => (await s.api<{ runs: { pid: number | null }[] }>("GET", `/api/v1/jobs/${j.key}/runs`)).body.runs[0]?.pid ?? runs.body.runs[0]?.pid ?? undefined));
    }
    const backlog = 1000;
    for (let i = 0; i < backlog; i += 50)
      await Promise.all(Array.from({ length: 50 }, () => s.api("POST", "/api/v1/jobs", { project: "sup", spider: "nothing", priority: 0 })));
    s.child.kill("SIGKILL");
    await s.exited;
    await until("the spiders to die with the server", async () => pids.every((p) => !alive(p)), 5000);

    s = await start(dataDir, { TRAWLER_SLOTS: "8" });
    for (const j of running) expect((await s.api<Job>("GET", `/api/v1/jobs/${j.key}`)).body).toMatchObject({ state: "finished", outcome: "node_lost" });
    const all = await until(
      "the backlog to run",
      async () => {
        const jobs = await allJobs(s);
        return jobs.filter((j) => j.state === "finished").length === backlog + 8 && jobs;
      },
      120_000,
    );
    const rest = all.filter((j) => !running.some((r) => r.key === j.key));
    expect(rest).toHaveLength(backlog);
    expect(rest.every((j) => j.outcome === "finished" && j.attempt === 1)).toBe(true);
  }, 240_000);

  it("kill -9 with the requeue policy: lost jobs run again, continuing from their job directory", async () => {
    const dataDir = tmp();
    let s = await start(dataDir, { TRAWLER_ON_NODE_LOST: "requeue" });
    await uploadProject(s, "sup", path.join(FIXTURES, "supervision"));
    const job = (await s.api<Job>("POST", "/api/v1/jobs", { project: "sup", spider: "counter", args: { total: "60", ms: "30" } })).body;
    await until("some items", async () => (await s.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body.items >= 10);
    s.child.kill("SIGKILL");
    await s.exited;
    s = await start(dataDir, { TRAWLER_ON_NODE_LOST: "requeue" });
    const done = await until("the job to finish", async () => {
      const j = (await s.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body;
      return j.state === "finished" && j;
    });
    expect(done.outcome).toBe("finished");
    expect(done.attempt).toBe(2);
    const items = await s.api<{ items: { data: { n: number } }[] }>("GET", `/api/v1/jobs/${job.key}/items?limit=1000`);
    const ns = items.body.items.map((i) => i.data.n);
    // The spider moved its progress on only once the worker acknowledged each item: nothing is
    // lost. An item committed whose acknowledgement died with the server is emitted again.
    expect(new Set(ns)).toEqual(new Set([...Array(60).keys()]));
    expect(ns.length - 60).toBeLessThanOrEqual(1);
  });

  it("kill -9 during a database outage: a spider that waits for acknowledgements loses nothing", async () => {
    const dataDir = tmp();
    let s = await start(dataDir, { TRAWLER_ON_NODE_LOST: "requeue" });
    await uploadProject(s, "sup", path.join(FIXTURES, "supervision"));
    const job = (await s.api<Job>("POST", "/api/v1/jobs", { project: "sup", spider: "counter", args: { total: "100", ms: "20" } })).body;
    await until("some items", async () => (await s.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body.items >= 10);
    // Another process takes SQLite's write lock: the server can commit nothing while the spider
    // keeps writing. Then the server dies. Only items the spider saw acknowledged were counted
    // as done in its job directory, so the next run emits the rest again.
    const holder = lockDatabase(dataDir);
    await new Promise((r) => holder.stdout!.once("data", r));
    await new Promise((r) => setTimeout(r, 1500));
    s.child.kill("SIGKILL");
    await s.exited;
    holder.kill("SIGKILL");
    s = await start(dataDir, { TRAWLER_ON_NODE_LOST: "requeue" });
    const done = await until("the job to finish", async () => {
      const j = (await s.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body;
      return j.state === "finished" && j;
    });
    expect(done.attempt).toBe(2);
    const items = await s.api<{ items: { data: { n: number } }[] }>("GET", `/api/v1/jobs/${job.key}/items?limit=1000`);
    const ns = items.body.items.map((i) => i.data.n);
    expect(new Set(ns)).toEqual(new Set([...Array(100).keys()]));
    expect(ns.length - 100).toBeLessThanOrEqual(1);
  }, 120_000);

  it("kill -9 mid-crawl of an SDK spider, requeued: every page's items arrive, none lost", async () => {
    const site = spawn(process.execPath, [path.resolve(import.meta.dirname, "../../sdk/test/fixtures/site.mjs"), "--port", "0", "--pages", "400", "--latency-ms", "20"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const line = await new Promise<string>((resolve) => readline.createInterface({ input: site.stdout! }).once("line", resolve));
      const siteUrl = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/`;
      const project = tmp();
      fs.mkdirSync(path.join(project, "spiders"));
      fs.copyFileSync(path.resolve(import.meta.dirname, "../../sdk/test/fixtures/spiders/shop.ts"), path.join(project, "spiders/shop.ts"));
      const dataDir = tmp();
      let s = await start(dataDir, { TRAWLER_ON_NODE_LOST: "requeue" });
      await uploadProject(s, "shopping", project);
      const job = (await s.api<Job>("POST", "/api/v1/jobs", { project: "shopping", spider: "shop", args: { start: siteUrl }, settings: { CONCURRENT_REQUESTS: 8 } })).body;
      await until("some items", async () => (await s.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body.items >= 100);
      // The server dies while it cannot commit (another process holds SQLite's write lock), so
      // pages whose items were written but not acknowledged must be crawled again, not skipped.
      const holder = lockDatabase(dataDir);
      await new Promise((r) => holder.stdout!.once("data", r));
      await new Promise((r) => setTimeout(r, 1000));
      s.child.kill("SIGKILL");
      await s.exited;
      holder.kill("SIGKILL");
      s = await start(dataDir, { TRAWLER_ON_NODE_LOST: "requeue" });
      const done = await until("the crawl to finish", async () => {
        const j = (await s.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body;
        return j.state === "finished" && j;
      }, 60_000);
      expect(done.outcome).toBe("finished");
      expect(done.attempt).toBe(2);
      const items = await s.api<{ items: { data: { url: string } }[] }>("GET", `/api/v1/jobs/${job.key}/items?limit=1000`);
      const urls = items.body.items.map((i) => i.data.url);
      expect(new Set(urls).size).toBe(400);
      // Pages in flight when the server died are fetched again: at most CONCURRENT_REQUESTS.
      expect(urls.length - 400).toBeLessThanOrEqual(8);
    } finally {
      site.kill();
    }
  }, 120_000);

  it("SIGTERM stops claiming, stops the spiders gracefully, requeues them and exits 0; they finish after a restart", async () => {
    const dataDir = tmp();
    let s = await start(dataDir, { TRAWLER_SLOTS: "4" });
    await uploadProject(s, "sup", path.join(FIXTURES, "supervision"));
    const jobs: Job[] = [];
    for (let i = 0; i < 4; i++) jobs.push((await s.api<Job>("POST", "/api/v1/jobs", { project: "sup", spider: "counter", args: { total: "50", ms: "40" } })).body);
    const queued = (await s.api<Job>("POST", "/api/v1/jobs", { project: "sup", spider: "nothing" })).body;
    await until("4 running", async () => (await s.api<Page>("GET", "/api/v1/jobs?state=running")).body.jobs.length === 4);
    await new Promise((r) => setTimeout(r, 300));
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    s = await start(dataDir, { TRAWLER_SLOTS: "0" });
    for (const j of jobs) expect((await s.api<Job>("GET", `/api/v1/jobs/${j.key}`)).body.state).toBe("pending");
    expect((await s.api<Job>("GET", `/api/v1/jobs/${queued.key}`)).body.state).toBe("pending");
    s.child.kill("SIGKILL");
    await s.exited;
    s = await start(dataDir, { TRAWLER_SLOTS: "4" });
    for (const j of jobs) {
      const done = await until("finish", async () => {
        const got = (await s.api<Job>("GET", `/api/v1/jobs/${j.key}`)).body;
        return got.state === "finished" && got;
      });
      expect(done.outcome).toBe("finished");
      const items = await s.api<{ items: { data: { n: number } }[] }>("GET", `/api/v1/jobs/${j.key}/items?limit=1000`);
      expect(items.body.items.map((i) => i.data.n)).toEqual([...Array(50).keys()]);
    }
  });

  it("a spider writing 5 MB of random bytes and NULs to stdout completes, its log stored with invalid bytes replaced", async () => {
    const s = await start(tmp());
    await uploadProject(s, "sup", path.join(FIXTURES, "supervision"));
    const job = (await s.api<Job>("POST", "/api/v1/jobs", { project: "sup", spider: "noise" })).body;
    const done = await until("finish", async () => {
      const got = (await s.api<Job & { logs: { total: number } }>("GET", `/api/v1/jobs/${job.key}`)).body;
      return got.state === "finished" && got;
    });
    expect(done.outcome).toBe("finished");
    expect(done.items).toBe(1);
    const logs = await s.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs?limit=50`);
    expect(logs.body.logs.some((l) => l.message.includes("\uFFFD"))).toBe(true);
    expect(logs.body.logs.every((l) => !l.message.includes("\u0000"))).toBe(true);
  });
});
