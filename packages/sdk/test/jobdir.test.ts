// Pause and resume with a job directory: after SIGINT (graceful) and after kill -9 (hard),
// the union of both runs' items equals the whole site, and only in-flight pages are refetched.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, items, lastStats, outcome, runSpider, tempDir } from "./helpers/run.ts";
import { startSite, type Site } from "./helpers/site.ts";

const PAGES = 2000;
const CONCURRENCY = 8;
const SETTINGS = {
  CONCURRENT_REQUESTS: CONCURRENCY,
  CONCURRENT_REQUESTS_PER_DOMAIN: CONCURRENCY,
  STATE_CHECKPOINT_INTERVAL: 0.2,
};
let site: Site;

beforeAll(async () => {
  // 5 ms per page keeps the crawl a few seconds long, so it can be stopped in the middle.
  site = await startSite(PAGES, 5);
});
afterAll(() => site.stop());

function savedState(jobDir: string): Record<string, number> {
  const db = new Database(path.join(jobDir, "job.sqlite"), { readonly: true });
  try {
    const row = db.prepare("SELECT value FROM kv WHERE key = 'spider_state'").get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as Record<string, number>) : {};
  } finally {
    db.close();
  }
}

async function interruptedThenResumed(signal: "SIGINT" | "SIGKILL") {
  await site.reset();
  const jobDir = path.join(tempDir(), "job");
  const opts = { args: { start: site.url }, settings: SETTINGS, jobDir };
  const first = runSpider(fixture("shop.ts"), opts);
  await first.until((m) => items(m).length >= 500);
  first.child.kill(signal);
  const r1 = await first.done;
  const servedFirst = await site.served();
  const firstItems = items(first.messages);
  expect(servedFirst).toBeLessThan(PAGES);
  const second = runSpider(fixture("shop.ts"), opts);
  const r2 = await second.done;
  expect(r2.code).toBe(0);
  expect(outcome(second.messages)).toBe("finished");
  const all = [...firstItems, ...items(second.messages)].map((i) => i.url as string);
  const served = await site.served();
  return { r1, first, second, all, served, servedFirst, jobDir };
}

describe("job directory", () => {
  it("resumes after SIGINT without fetching any page twice", async () => {
    const { r1, first, second, all, served, jobDir } = await interruptedThenResumed("SIGINT");
    expect(r1.code).toBe(0);
    expect(outcome(first.messages)).toBe("shutdown");
    expect(lastStats(first.messages).finish_reason).toBe("shutdown");
    expect(lastStats(second.messages)["jobdir/run"]).toBe(2);
    expect(new Set(all).size).toBe(PAGES);
    // Graceful: in-flight requests finished in the first run, so nothing is fetched twice.
    expect(served).toBe(PAGES);
    expect(all.length).toBe(PAGES);
    expect(savedState(jobDir).pages).toBe(PAGES);
  });

  it("resumes after kill -9, refetching at most the in-flight pages", async () => {
    const { r1, first, all, served, jobDir } = await interruptedThenResumed("SIGKILL");
    expect(r1.signal).toBe("SIGKILL");
    expect(outcome(first.messages)).toBeUndefined();
    expect(new Set(all).size).toBe(PAGES);
    expect(served).toBeGreaterThanOrEqual(PAGES);
    expect(served - PAGES).toBeLessThanOrEqual(CONCURRENCY);
    // The state is at most one checkpoint old: the pages counted before the kill are not lost wholesale.
    const pages = savedState(jobDir).pages ?? 0;
    expect(pages).toBeGreaterThan(PAGES - 400);
    expect(pages).toBeLessThanOrEqual(served);
    expect(fs.existsSync(path.join(jobDir, "job.sqlite"))).toBe(true);
  });
});
