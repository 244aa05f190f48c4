// An SDK spider deployed in a project runs as a job under the process contract; paused and
// resumed three times, its crawl neither loses nor repeats work.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/testServer.ts";

const SDK_FIXTURES = path.resolve(import.meta.dirname, "../../sdk/test/fixtures");
const PAGES = 400;

type Job = { key: string; state: string; outcome: string | null; items: number; requests: number; attempt: number };

async function startSite(latencyMs: number): Promise<{ url: string; child: ChildProcess; served(): Promise<number> }> {
  const child = spawn(process.execPath, [path.join(SDK_FIXTURES, "site.mjs"), "--port", "0", "--pages", String(PAGES), "--latency-ms", String(latencyMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once("line", resolve));
  const url = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/`;
  return { url, child, served: async () => ((await (await fetch(`${url}__stats`)).json()) as { served: number }).served };
}

describe("SDK spiders under the platform", () => {
  let t: TestServer;
  let site: Awaited<ReturnType<typeof startSite>>;
  let project: string;

  beforeAll(async () => {
    site = await startSite(30);
    project = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-sdkproj-"));
    fs.mkdirSync(path.join(project, "spiders"));
    fs.copyFileSync(path.join(SDK_FIXTURES, "spiders/shop.ts"), path.join(project, "spiders/shop.ts"));
    t = await startTestServer("sqlite");
    await t.deployFixture("shopping", project);
  });
  afterAll(async () => {
    await t.stop();
    site.child.kill();
    fs.rmSync(project, { recursive: true, force: true });
  });

  const schedule = async () =>
    (await t.api<Job>("POST", "/api/v1/jobs", { project: "shopping", spider: "shop", args: { start: site.url }, settings: { CONCURRENT_REQUESTS: 8, LOGSTATS_INTERVAL: 1 } })).body;

  it("discovers the spider, runs it as a job, and its items, logs, requests and stats appear through the API", async () => {
    const spiders = await t.api<{ spiders: { name: string; runtime: string }[] }>("GET", "/api/v1/projects/shopping/spiders");
    expect(spiders.body.spiders).toEqual([expect.objectContaining({ name: "shop", runtime: "sdk" })]);
    const job = await schedule();
    const done = (await t.waitForJob(job.key, "finished", 60_000)) as Job;
    expect(done.outcome).toBe("finished");
    expect(done.items).toBe(PAGES);
    expect(done.requests).toBe(PAGES);
    const stats = await t.api<{ stats: Record<string, number> }>("GET", `/api/v1/jobs/${job.key}/stats`);
    expect(stats.body.stats.item_scraped_count).toBe(PAGES);
    expect(stats.body.stats["downloader/response_status_count/200"]).toBe(PAGES);
    const logs = await t.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs?limit=1000`);
    expect(logs.body.logs.some((l) => /Crawled \d+ pages/.test(l.message))).toBe(true);
    const reqs = await t.api<{ requests: { status: number; url: string }[] }>("GET", `/api/v1/jobs/${job.key}/requests?limit=1000`);
    expect(new Set(reqs.body.requests.map((r) => r.url)).size).toBe(PAGES);
  });

  it("pauses and resumes an SDK crawl three times: every page once, no repeats beyond in-flight requests", async () => {
    const before = await site.served();
    const job = await schedule();
    for (let round = 0; round < 3; round++) {
      await t.waitForJob(job.key, "running", 30_000);
      // Let the crawl make progress in this run before pausing it.
      const start = ((await t.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body).items;
      for (let i = 0; i < 100 && (await t.api<Job>("GET", `/api/v1/jobs/${job.key}`)).body.items < start + 40; i++) await new Promise((r) => setTimeout(r, 50));
      expect((await t.api("POST", `/api/v1/jobs/${job.key}/pause`)).status).toBe(200);
      await t.waitForJob(job.key, "paused", 30_000);
      expect((await t.api("POST", `/api/v1/jobs/${job.key}/resume`)).status).toBe(200);
    }
    const done = (await t.waitForJob(job.key, "finished", 60_000)) as Job;
    expect(done.outcome).toBe("finished");
    expect(done.attempt).toBe(4);
    const items = await t.api<{ items: { data: { url: string } }[] }>("GET", `/api/v1/jobs/${job.key}/items?limit=1000`);
    const urls = items.body.items.map((i) => i.data.url);
    expect(new Set(urls).size).toBe(PAGES);
    const fetched = (await site.served()) - before;
    // A paused run lets its in-flight requests finish (up to CONCURRENT_REQUESTS each time).
    expect(fetched - PAGES).toBeLessThanOrEqual(3 * 8);
    expect(urls.length - PAGES).toBeLessThanOrEqual(3 * 8);
  });
});
