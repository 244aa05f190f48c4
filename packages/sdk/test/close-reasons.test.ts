// Every close reason, produced by a spider that triggers it, seen in the final stats and the
// FIN message of the channel — the spider runs as a child process under a fake platform.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, items, lastStats, outcome, runSpider } from "./helpers/run.ts";
import { startSite, type Site } from "./helpers/site.ts";

let site: Site;
let forbidden: http.Server;
let forbiddenUrl: string;

beforeAll(async () => {
  site = await startSite(2000, 5);
  forbidden = http.createServer((_req, res) => res.writeHead(403, { "content-type": "text/plain" }).end("go away"));
  await new Promise<void>((r) => forbidden.listen(0, "127.0.0.1", r));
  forbiddenUrl = `http://127.0.0.1:${(forbidden.address() as AddressInfo).port}/x`;
});
afterAll(async () => {
  await site.stop();
  forbidden.close();
});

const SLOW = { CONCURRENT_REQUESTS: 2, CONCURRENT_REQUESTS_PER_DOMAIN: 2 };

const cases: Array<
  [reason: string, args: () => Record<string, string>, settings: Record<string, unknown>, file?: string]
> = [
  ["closespider_timeout", () => ({ start: site.url }), { ...SLOW, CLOSESPIDER_TIMEOUT: 0.5 }],
  ["closespider_itemcount", () => ({ start: site.url }), { ...SLOW, CLOSESPIDER_ITEMCOUNT: 30 }],
  ["closespider_pagecount", () => ({ start: site.url }), { ...SLOW, CLOSESPIDER_PAGECOUNT: 30 }],
  ["closespider_errorcount", () => ({ start: site.url, fail: "1" }), { ...SLOW, CLOSESPIDER_ERRORCOUNT: 5 }],
  [
    "memusage_exceeded",
    () => ({ start: site.url }),
    { ...SLOW, MEMUSAGE_LIMIT_MB: 1, MEMUSAGE_CHECK_INTERVAL_SECONDS: 0.1 },
  ],
  ["custom_reason", () => ({ start: site.url, closeAfter: "20" }), SLOW],
  ["banned", () => ({ start: forbiddenUrl, count: "50" }), { CONCURRENT_REQUESTS: 1, BAN_THRESHOLD: 3 }, "many.ts"],
];

describe("close reasons", () => {
  it.each(cases)("%s", async (reason, args, settings, file = "shop.ts") => {
    const run = runSpider(fixture(file), { args: args(), settings });
    const { code, stderr } = await run.done;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(outcome(run.messages)).toBe(reason);
    const stats = lastStats(run.messages);
    expect(stats.finish_reason).toBe(reason);
    // Closed early: far from the whole site.
    expect(items(run.messages).length).toBeLessThan(1000);
    if (reason === "closespider_itemcount") expect(stats.item_scraped_count).toBeGreaterThanOrEqual(30);
    if (reason === "closespider_pagecount") expect(stats.response_received_count).toBeGreaterThanOrEqual(30);
    if (reason === "closespider_errorcount") {
      expect(stats["spider_exceptions/Error"]).toBeGreaterThanOrEqual(5);
      const errorLog = run.messages.find((m) => m.type === "LOG" && m.log.level === 40);
      expect(errorLog?.type === "LOG" && errorLog.log.message).toMatch(/parse failed on .*\n\s+at /);
    }
    if (reason === "memusage_exceeded") expect(stats["memusage/limit_reached"]).toBe(1);
    if (reason === "banned") expect(stats["downloader/response_status_count/403"]).toBe(3);
  });

  it("shutdown: a first SIGINT drains, a second one stops at once", async () => {
    // Responses take 30 s, so the drain after the first signal is still going when the second comes.
    const slow = http.createServer(
      (_req, res) => void setTimeout(() => res.writeHead(200).end("late"), 30_000).unref(),
    );
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const start = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
    const t0 = Date.now();
    const run = runSpider(fixture("many.ts"), { args: { start, count: "5" }, settings: SLOW });
    await run.until((m) => m.some((x) => x.type === "LOG" && x.log.message.startsWith("Spider opened")));
    await new Promise((r) => setTimeout(r, 200));
    run.child.kill("SIGINT");
    // Signals of one kind do not queue: wait until the first was handled before the second.
    await run.until((m) => m.some((x) => x.type === "LOG" && x.log.message.startsWith("Received shutdown signal")));
    run.child.kill("SIGINT");
    const { code } = await run.done;
    slow.closeAllConnections();
    slow.close();
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(code).toBe(0);
    expect(outcome(run.messages)).toBe("shutdown");
    expect(lastStats(run.messages).finish_reason).toBe("shutdown");
    expect(items(run.messages)).toEqual([]);
    expect(run.messages.some((m) => m.type === "LOG" && m.log.message.includes("forcing unclean shutdown"))).toBe(true);
  });

  it("stops crawling when the platform stops reading the channel", async () => {
    await site.reset();
    const run = runSpider(fixture("shop.ts"), { args: { start: site.url }, settings: SLOW });
    await run.until((m) => items(m).length >= 20);
    run.closeChannel();
    const { code, stderr } = await run.done;
    expect(code).toBe(0);
    expect(stderr).toMatch(/message channel failed .*EPIPE/);
    expect(await site.served()).toBeLessThan(500);
  });

  it("logs errors that no callback awaited and finishes", async () => {
    const run = runSpider(fixture("stray.ts"), { args: { start: site.url } });
    const { code } = await run.done;
    expect(code).toBe(0);
    expect(outcome(run.messages)).toBe("finished");
    const stats = lastStats(run.messages);
    expect(stats["spider_exceptions/RangeError"]).toBe(1);
    expect(items(run.messages)).toHaveLength(1);
  });

  it("a spider that cannot be imported exits non-zero without a FIN", async () => {
    const run = runSpider(fixture("broken.ts"));
    const { code, stderr } = await run.done;
    expect(code).not.toBe(0);
    expect(stderr).toContain("does-not-exist");
    expect(outcome(run.messages)).toBeUndefined();
  });
});
