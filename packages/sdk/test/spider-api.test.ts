// The spider-facing API: selectors, follow, fingerprints, request checks, pipelines, errors,
// priorities and depth — run against a real local server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DropItem,
  Request,
  RequestSerializationError,
  Spider,
  requestFingerprint,
  type Item,
  type ItemPipeline,
  type Response,
} from "../src/index.ts";
import { crawlInProcess } from "./helpers/in-process.ts";
import { html, startServer, type TestServer } from "./helpers/test-server.ts";

let s: TestServer;
const PAGE = `<html><head><title>T</title></head><body>
  <h1 class="name">Blue <b>Lamp</b></h1><span class="price">$3.50</span>
  <ul><li><a class="product" href="/p/1">one</a></li><li><a class="product" href="p/2?b=2&amp;a=1#x">two</a></li>
  <li><a href="mailto:x@y">mail</a></li></ul></body></html>`;

beforeAll(async () => {
  s = await startServer({
    "/": (_q, res) => html(res, PAGE),
    "/p/*": (_q, res, url) => html(res, `<h1>${url.pathname}${url.search}</h1>`),
    "/captcha": (_q, res) => html(res, "<p>please solve this captcha</p>"),
    "/json": (_q, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"n":7}'),
  });
});
afterAll(() => s.close());

describe("responses", () => {
  it("selects with ::text and ::attr(), follows relative links and reads JSON", async () => {
    class Sel extends Spider {
      static override name = "sel";
      override startUrls = [s.url("/")];
      override *parse(r: Response) {
        yield {
          h1: r.css("h1.name::text").get(),
          h1All: r.css("h1").text(),
          price: r.css(".price::text").get(),
          hrefs: r.css("a.product::attr(href)").all(),
          missing: r.css(".nope::text").get("default"),
          nested: [...r.css("li")].map((li) => li.css("a::text").get()),
          nestedList: r.css("ul").css("a.product::attr(href)").all(),
          jquery: r.css("li:first a::text").all(),
          outer: r.css(".price").get(),
          cheerio: r.$("h1 b").text(),
          re: r.css(".price::text").re(/\$(\d+)/),
        };
        yield* r.followAll(r.css("a::attr(href)"), "page");
        yield Request.json(r.urljoin("/json"), {}, { callback: "json", method: "GET" });
      }
      page(r: Response) {
        return { page: r.css("h1::text").get(), url: r.url };
      }
      json(r: Response) {
        return { json: r.json<{ n: number }>().n };
      }
    }
    const { items, errors } = await crawlInProcess(Sel);
    expect(errors).toEqual([]);
    expect(items[0]).toEqual({
      h1: "Blue ",
      h1All: "Blue Lamp",
      price: "$3.50",
      hrefs: ["/p/1", "p/2?b=2&a=1#x"],
      missing: "default",
      nested: ["one", "two", "mail"],
      nestedList: ["/p/1", "p/2?b=2&a=1#x"],
      jquery: ["one"],
      outer: '<span class="price">$3.50</span>',
      cheerio: "Lamp",
      re: ["3"],
    });
    expect(
      items
        .map((i) => i.page)
        .filter(Boolean)
        .sort(),
    ).toEqual(["/p/1", "/p/2?b=2&a=1"]);
    expect(items).toContainEqual({ json: 7 });
  });
});

describe("fingerprints", () => {
  it("ignore fragments and query order but not method or body", () => {
    const fp = (m: string, u: string, b?: string) => requestFingerprint(m, new URL(u), b);
    expect(fp("GET", "http://a.test/x?b=2&a=1#frag")).toBe(fp("GET", "http://A.test/x?a=1&b=2"));
    expect(fp("GET", "http://a.test/x")).not.toBe(fp("POST", "http://a.test/x"));
    expect(fp("POST", "http://a.test/x", "1")).not.toBe(fp("POST", "http://a.test/x", "2"));
    expect(fp("GET", "http://a.test/x?a=1")).not.toBe(fp("GET", "http://a.test/x?a=2"));
  });
});

describe("requests that cannot be persisted", () => {
  it("fail when yielded, naming spider, callback and field, and the crawl goes on", async () => {
    const caught: string[] = [];
    class Bad extends Spider {
      static override name = "bad";
      override startUrls = [s.url("/")];
      override *parse(r: Response) {
        try {
          yield r.follow("/p/1", () => 1);
        } catch (e) {
          caught.push((e as Error).message);
        }
        try {
          yield r.follow("/p/2", "page", { meta: { ok: 1, when: new Date() as never } });
        } catch (e) {
          caught.push((e as Error).message);
          expect(e).toBeInstanceOf(RequestSerializationError);
        }
        yield new Request("not a url");
        yield r.follow("mailto:someone@example.com");
        yield r.follow("/p/4", "page");
        yield r.follow("/p/3", "nope");
      }
      page() {
        return { page: true };
      }
    }
    const { reason, errors, stats } = await crawlInProcess(Bad);
    expect(reason).toBe("finished");
    expect(caught[0]).toMatch(/spider bad: request yielded by parse\(\).*callback is a function/);
    expect(caught[1]).toMatch(/spider bad: request yielded by parse\(\).*meta\.when is a Date/);
    expect(errors.join("\n")).toMatch(/callback names "nope", which is not a method/);
    expect(stats["spider_exceptions/RequestSerializationError"]).toBe(1);
    expect(errors.join("\n")).toMatch(/Dropped a request yielded by parse\(\): invalid request URL: "not a url"/);
    expect(stats["scheduler/filtered/scheme"]).toBe(1);
  });
});

describe("callbacks, pipelines, scheduling", () => {
  it("counts callback errors with their stack and keeps crawling", async () => {
    class Throws extends Spider {
      static override name = "throws";
      override startUrls = [s.url("/")];
      override *parse(r: Response) {
        yield* r.followAll(r.css("a.product::attr(href)"), "page");
        throw new TypeError("boom in parse");
      }
      page(r: Response) {
        return { url: r.url };
      }
    }
    const { items, errors, stats, reason } = await crawlInProcess(Throws);
    expect(reason).toBe("finished");
    expect(items.length).toBe(2);
    expect(stats["spider_exceptions/TypeError"]).toBe(1);
    expect(errors.join("\n")).toMatch(
      /Spider error processing <GET .*\/> in parse\(\)\nTypeError: boom in parse\n\s+at /,
    );
  });

  it("runs pipelines in order and drops items", async () => {
    class Upper implements ItemPipeline {
      processItem(item: Item) {
        return { ...item, name: String(item.name).toUpperCase() };
      }
    }
    class DropOdd implements ItemPipeline {
      opened = false;
      open() {
        this.opened = true;
      }
      async processItem(item: Item) {
        if (Number(item.n) % 2 === 1) throw new DropItem(`odd ${item.n}`);
        return item;
      }
    }
    class Piped extends Spider {
      static override name = "piped";
      override startUrls = [s.url("/")];
      override pipelines = [Upper, new DropOdd()];
      override *parse() {
        for (let n = 0; n < 4; n++) yield { n, name: `x${n}` };
      }
    }
    const { items, stats } = await crawlInProcess(Piped);
    expect(items).toEqual([
      { n: 0, name: "X0" },
      { n: 2, name: "X2" },
    ]);
    expect(stats.item_dropped_count).toBe(2);
    expect(stats["item_dropped_reasons_count/DropItem"]).toBe(2);
  });

  it("fetches higher priorities first, filters duplicates, limits depth and domains", async () => {
    class Prio extends Spider {
      static override name = "prio";
      override allowedDomains = ["127.0.0.1"];
      override async *startRequests() {
        yield new Request(s.url("/p/start"), { callback: "fan" });
      }
      *fan() {
        yield new Request(s.url("/p/low"), { priority: 0, callback: "page" });
        yield new Request(s.url("/p/high"), { priority: 5, callback: "page" });
        yield new Request(s.url("/p/high#dup"), { priority: 5, callback: "page" });
        yield new Request(s.url("/"), { priority: -1 });
      }
      override *parse(r: Response) {
        yield r.follow("/p/deep", "deeper");
        yield r.follow("http://example.invalid/elsewhere");
      }
      *deeper(r: Response) {
        yield r.follow("/p/deeper", "deeper");
      }
      page(r: Response) {
        return { url: r.url };
      }
    }
    const before = s.hits.length;
    const { stats } = await crawlInProcess(Prio, { CONCURRENT_REQUESTS: 1, DEPTH_LIMIT: 2 });
    const paths = s.hits.slice(before).map((h) => h.path);
    expect(paths.slice(0, 4)).toEqual(["/p/start", "/p/high", "/p/low", "/"]);
    expect(paths).toContain("/p/deep");
    expect(paths).not.toContain("/p/deeper");
    expect(stats["dupefilter/filtered"]).toBe(1);
    expect(stats["offsite/filtered"]).toBe(1);
    expect(stats["scheduler/filtered/depth"]).toBe(1);
    expect(stats.request_depth_max).toBe(2);
  });

  it("passes spider arguments and lets a callback close the spider", async () => {
    class Args extends Spider {
      static override name = "args";
      category = "none";
      override async *startRequests() {
        yield new Request(s.url("/"));
      }
      override parse() {
        this.close("done_early");
        return { category: this.category, arg: this.args.category };
      }
    }
    const { items, reason, stats } = await crawlInProcess(Args, {}, { category: "lamps" });
    expect(items).toEqual([{ category: "lamps", arg: "lamps" }]);
    expect(reason).toBe("done_early");
    expect(stats.finish_reason).toBe("done_early");
  });

  it("closes with banned when the spider's own ban detector says so", async () => {
    class Detects extends Spider {
      static override name = "detects";
      override startUrls = [s.url("/"), s.url("/captcha")];
      override isBanned(r: Response) {
        return r.text.includes("captcha");
      }
      override parse(r: Response) {
        return { url: r.url };
      }
    }
    const { reason, stats } = await crawlInProcess(Detects, { CONCURRENT_REQUESTS: 1 });
    expect(reason).toBe("banned");
    expect(stats["banned/url"]).toBe(s.url("/captcha"));
  });
});
