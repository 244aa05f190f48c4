// Downloader behaviour observed from real servers on 127.0.0.1: retries, redirects, robots.txt,
// cookies, compression, per-domain concurrency, download delay, proxies.
import net from "node:net";
import http from "node:http";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { Request, Spider, type Response } from "../src/index.ts";
import { crawlInProcess } from "./helpers/in-process.ts";
import { html, startServer, type TestServer } from "./helpers/test-server.ts";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function server(routes: Parameters<typeof startServer>[0], host?: string) {
  const s = await startServer(routes, host);
  servers.push(s);
  return s;
}

function spiderFor(urls: string[], extra: Partial<Spider> = {}) {
  return class extends Spider {
    static override name = "t";
    override startUrls = urls;
    override handleHttpStatusList = extra.handleHttpStatusList ?? [];
    override parse(response: Response) {
      return { url: response.url, status: response.status, body: response.text.slice(0, 200) };
    }
  };
}

const FAST_RETRY = { RETRY_BACKOFF_BASE: 0.01 };

describe("downloader", () => {
  it("retries 5xx with back-off and succeeds", async () => {
    let calls = 0;
    const s = await server({ "/flaky": (_q, res) => (++calls <= 2 ? html(res, "busy", 503) : html(res, "ok")) });
    const { items, stats } = await crawlInProcess(spiderFor([s.url("/flaky")]), FAST_RETRY);
    expect(calls).toBe(3);
    expect(items).toEqual([{ url: s.url("/flaky"), status: 200, body: "ok" }]);
    expect(stats["retry/count"]).toBe(2);
    expect(stats["retry/reason_count/503 Service Unavailable"]).toBe(2);
  });

  it("gives up after RETRY_TIMES and does not hand the 500 to the callback", async () => {
    const s = await server({ "/down": (_q, res) => html(res, "no", 500) });
    const { items, stats, reason } = await crawlInProcess(spiderFor([s.url("/down")]), {
      ...FAST_RETRY,
      RETRY_TIMES: 3,
    });
    expect(reason).toBe("finished");
    expect(s.hits.length).toBe(4);
    expect(items).toEqual([]);
    expect(stats["retry/max_reached"]).toBe(1);
    expect(stats["httperror/response_ignored_status_count/500"]).toBe(1);
  });

  it("retries connection errors and counts them", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    class Errs extends spiderFor([`http://127.0.0.1:${port}/`]) {
      failures: string[] = [];
      override async *startRequests() {
        yield new Request(`http://127.0.0.1:${port}/`, { errback: "failed" });
      }
      failed(error: Error) {
        return { failed: error.message.length > 0 };
      }
    }
    const { items, stats } = await crawlInProcess(Errs, FAST_RETRY);
    expect(stats["downloader/exception_type_count/ECONNREFUSED"]).toBe(3);
    expect(stats["retry/count"]).toBe(2);
    expect(items).toEqual([{ failed: true }]);
  });

  it("follows redirects, turning a 303 POST into a GET", async () => {
    const s = await server({
      "/a": (_q, res) => res.writeHead(301, { location: "/b" }).end(),
      "/b": (_q, res) => res.writeHead(302, { location: "/c" }).end(),
      "/c": (q, res) => html(res, `final ${q.method}`),
      "/post": (_q, res) => res.writeHead(303, { location: "/c" }).end(),
    });
    class Redirects extends spiderFor([]) {
      override async *startRequests() {
        yield new Request(s.url("/a"));
        yield Request.form(s.url("/post"), { x: "1" });
      }
    }
    const { items, stats } = await crawlInProcess(Redirects);
    expect(items.map((i) => i.body).sort()).toEqual(["final GET", "final GET"]);
    expect(items.every((i) => i.url === s.url("/c"))).toBe(true);
    expect(stats["downloader/response_status_count/301"]).toBe(1);
    expect(stats["downloader/response_status_count/302"]).toBe(1);
    expect(stats["downloader/response_status_count/303"]).toBe(1);
  });

  it("obeys robots.txt when ROBOTSTXT_OBEY is on, and only then", async () => {
    const routes = {
      "/robots.txt": (_q: http.IncomingMessage, res: http.ServerResponse) =>
        res.writeHead(200, { "content-type": "text/plain" }).end("User-agent: *\nDisallow: /private\n"),
      "/public": (_q: http.IncomingMessage, res: http.ServerResponse) => html(res, "public"),
      "/private/x": (_q: http.IncomingMessage, res: http.ServerResponse) => html(res, "secret"),
    };
    const s = await server(routes);
    const Robots = spiderFor([s.url("/public"), s.url("/private/x")]);
    const obeyed = await crawlInProcess(Robots, { ROBOTSTXT_OBEY: true });
    expect(obeyed.items.map((i) => i.body)).toEqual(["public"]);
    expect(obeyed.stats["robotstxt/forbidden"]).toBe(1);
    expect(s.hits.map((h) => h.path).sort()).toEqual(["/public", "/robots.txt"]);
    const ignored = await crawlInProcess(Robots, { ROBOTSTXT_OBEY: false });
    expect(ignored.items.length).toBe(2);
  });

  it("keeps cookies and decompresses gzip, deflate and br", async () => {
    const page = "<html><body><h1>zipped</h1></body></html>";
    const s = await server({
      "/login": (_q, res) => html(res, "hi", 200, { "set-cookie": "sid=abc123; Path=/" }),
      "/me": (q, res) => html(res, `cookie=${q.headers.cookie ?? ""}`),
      "/gz": (_q, res) =>
        res.writeHead(200, { "content-encoding": "gzip", "content-type": "text/html" }).end(zlib.gzipSync(page)),
      "/df": (_q, res) =>
        res.writeHead(200, { "content-encoding": "deflate", "content-type": "text/html" }).end(zlib.deflateSync(page)),
      "/br": (_q, res) =>
        res
          .writeHead(200, { "content-encoding": "br", "content-type": "text/html" })
          .end(zlib.brotliCompressSync(page)),
    });
    class Session extends spiderFor([]) {
      override async *startRequests() {
        yield new Request(s.url("/login"), { callback: "loggedIn" });
        for (const p of ["/gz", "/df", "/br"]) yield new Request(s.url(p), { callback: "zipped" });
      }
      *loggedIn() {
        yield new Request(s.url("/me"));
      }
      zipped(response: Response) {
        return { h1: response.css("h1::text").get() };
      }
    }
    const { items } = await crawlInProcess(Session);
    expect(items).toContainEqual({ url: s.url("/me"), status: 200, body: "cookie=sid=abc123" });
    expect(items.filter((i) => i.h1 === "zipped").length).toBe(3);
    expect(s.hits.every((h) => h.headers["accept-encoding"] === "gzip, deflate, br")).toBe(true);
    expect(s.hits.every((h) => String(h.headers["user-agent"]).startsWith("Trawler/"))).toBe(true);
  });

  it("limits concurrency per domain while using the global limit across domains", async () => {
    let active = 0;
    let maxActive = 0;
    const perHost = new Map<string, number>();
    const maxPerHost = new Map<string, number>();
    const slow = async (q: http.IncomingMessage, res: http.ServerResponse) => {
      const host = String(q.headers.host).split(":")[0] as string;
      active++;
      perHost.set(host, (perHost.get(host) ?? 0) + 1);
      maxActive = Math.max(maxActive, active);
      maxPerHost.set(host, Math.max(maxPerHost.get(host) ?? 0, perHost.get(host) ?? 0));
      await new Promise((r) => setTimeout(r, 60));
      active--;
      perHost.set(host, (perHost.get(host) ?? 0) - 1);
      html(res, "slow");
    };
    const a = await server({ "/slow": slow }, "127.0.0.1");
    const b = await server({ "/slow": slow }, "127.0.0.2");
    const urls = Array.from({ length: 8 }, (_, i) => [a.url(`/slow?i=${i}`), b.url(`/slow?i=${i}`)]).flat();
    const { items } = await crawlInProcess(spiderFor(urls), {
      CONCURRENT_REQUESTS: 16,
      CONCURRENT_REQUESTS_PER_DOMAIN: 2,
    });
    expect(items.length).toBe(16);
    expect(maxPerHost.get("127.0.0.1")).toBe(2);
    expect(maxPerHost.get("127.0.0.2")).toBe(2);
    expect(maxActive).toBe(4);
  });

  it("spaces requests to a domain by DOWNLOAD_DELAY", async () => {
    const s = await server({ "/p": (_q, res) => html(res, "p") });
    const urls = Array.from({ length: 5 }, (_, i) => s.url(`/p?i=${i}`));
    await crawlInProcess(spiderFor(urls), {
      DOWNLOAD_DELAY: 0.15,
      RANDOMIZE_DOWNLOAD_DELAY: false,
      CONCURRENT_REQUESTS_PER_DOMAIN: 8,
    });
    const gaps = s.hits.slice(1).map((h, i) => h.time - (s.hits[i] as { time: number }).time);
    expect(gaps.length).toBe(4);
    // The first gap, seen by the server, is shortened by the first connection's set-up.
    // Single gaps jitter by a few milliseconds on a busy machine; their sum may not.
    for (const g of gaps.slice(1)) expect(g).toBeGreaterThanOrEqual(120);
    expect(gaps.slice(1).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3 * 150 - 10);
  });

  it("AutoThrottle starts at its start delay and follows the latency", async () => {
    const s = await server({ "/p": (_q, res) => void setTimeout(() => html(res, "p"), 100) });
    const urls = Array.from({ length: 5 }, (_, i) => s.url(`/p?i=${i}`));
    await crawlInProcess(spiderFor(urls), {
      AUTOTHROTTLE_ENABLED: true,
      AUTOTHROTTLE_START_DELAY: 0.3,
      RANDOMIZE_DOWNLOAD_DELAY: false,
      CONCURRENT_REQUESTS_PER_DOMAIN: 8,
    });
    const gaps = s.hits.slice(1).map((h, i) => h.time - (s.hits[i] as { time: number }).time);
    expect(gaps.length).toBe(4);
    // Delays move from the 0.3 s start towards the 0.1 s latency: 0.3, 0.2, 0.15, 0.125 s.
    // (The first gap, seen by the server, is shortened by the first connection's set-up.)
    const [, g2 = 0, g3 = 0, g4 = 0] = gaps;
    expect(g2).toBeGreaterThanOrEqual(185);
    expect(g3).toBeGreaterThanOrEqual(135);
    expect(g4).toBeGreaterThanOrEqual(110);
    expect(g4).toBeLessThan(g2);
  });

  it("sends a request through its proxy", async () => {
    const target = await server({ "/via": (_q, res) => html(res, "through the proxy") });
    let tunnels = 0;
    const proxy = http.createServer((_q, res) => res.writeHead(405).end());
    proxy.on("connect", (req, socket) => {
      tunnels++;
      const [host, port] = String(req.url).split(":");
      const upstream = net.connect(Number(port), host, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      class Proxied extends spiderFor([]) {
        override async *startRequests() {
          yield new Request(target.url("/via"), { meta: { proxy: proxyUrl } });
        }
      }
      const { items } = await crawlInProcess(Proxied);
      expect(items.map((i) => i.body)).toEqual(["through the proxy"]);
      expect(tunnels).toBe(1);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
