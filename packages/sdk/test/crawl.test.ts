// A full crawl of the shop site under a fake platform: every page exactly once, every item.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, items, lastStats, outcome, runSpider } from "./helpers/run.ts";
import { startSite, type Site } from "./helpers/site.ts";

const PAGES = 2000;
let site: Site;

beforeAll(async () => {
  site = await startSite(PAGES);
});
afterAll(() => site.stop());

describe("a 2,000-page crawl under the platform contract", () => {
  it("fetches every page exactly once and yields every item", async () => {
    await site.reset();
    const run = runSpider(fixture("shop.ts"), {
      args: { start: site.url },
      settings: { CONCURRENT_REQUESTS: 16, CONCURRENT_REQUESTS_PER_DOMAIN: 16 },
    });
    const { code, stderr } = await run.done;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(await site.served()).toBe(PAGES);
    const urls = items(run.messages).map((i) => i.url as string);
    expect(urls.length).toBe(PAGES);
    expect(new Set(urls).size).toBe(PAGES);
    expect(items(run.messages).every((i) => typeof i.name === "string" && (i.price as string).startsWith("$"))).toBe(
      true,
    );
    expect(outcome(run.messages)).toBe("finished");
    const stats = lastStats(run.messages);
    expect(stats.finish_reason).toBe("finished");
    expect(stats.item_scraped_count).toBe(PAGES);
    expect(stats.response_received_count).toBe(PAGES);
    expect(stats["downloader/response_status_count/200"]).toBe(PAGES);
    expect(stats["dupefilter/filtered"]).toBeGreaterThan(0);
    const reqs = run.messages.filter((m) => m.type === "REQ");
    expect(reqs.length).toBe(PAGES);
    const first = reqs[0];
    expect(first?.type === "REQ" && first.request.status).toBe(200);
    expect(first?.type === "REQ" && first.request.fp).toMatch(/^[0-9a-f]{40}$/);
    expect(run.messages.some((m) => m.type === "LOG" && m.log.message.includes("Spider closed (finished)"))).toBe(true);
    expect(run.messages.some((m) => m.type === "invalid")).toBe(false);
  });
});
