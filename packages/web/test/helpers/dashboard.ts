// A real Trawler server (demo project included) serving the built dashboard, and a headless Debian
// Chromium driven by playwright-core, for the browser suite.

import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import Fastify from "fastify";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { loadConfig, packProjectDirectory, startServer, type RunningServer } from "@trawler/server";
import { registerWeb } from "../../../server/src/api/web.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");
export const SCREENSHOTS = path.resolve(import.meta.dirname, "../../../../docs/screenshots");
const WEB_DIST = path.resolve(import.meta.dirname, "../../dist");

export interface Dashboard {
  server: RunningServer;
  /** Where the dashboard is served (the server itself once app.ts registers it). */
  url: string;
  api<T>(method: string, url: string, body?: unknown): Promise<T>;
  deploy(project: string, dir: string): Promise<void>;
  waitForJob(key: string, state: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Until the server registers the dashboard itself, a small front serves dist/ and passes /api, /docs, /demo through. */
async function frontFor(backend: string): Promise<{ url: string; close(): Promise<void> }> {
  const web = Fastify();
  await registerWeb(web, WEB_DIST);
  await web.ready();
  const target = new URL(backend);
  const server = http.createServer((req, res) => {
    if (!/^\/(api|docs|demo)(\/|$|\?)/.test(req.url ?? "")) return web.routing(req, res);
    const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await web.close();
    },
  };
}

/** The demo spider's built-in start URL is on port 6800 (see README); use it when it is free. */
async function demoPort(): Promise<number> {
  const probe = net.createServer();
  const free = await new Promise<boolean>((resolve) => {
    probe.once("error", () => resolve(false));
    probe.listen(6800, "127.0.0.1", () => resolve(true));
  });
  if (free) await new Promise((r) => probe.close(r));
  return free ? 6800 : 0;
}

/** `demoSite`: run on port 6800 when free, where the demo spider's built-in start URL points. */
export async function startDashboard(opts: { demoSite?: boolean } = {}): Promise<Dashboard> {
  if (!fs.existsSync(path.join(WEB_DIST, "index.html"))) throw new Error("packages/web/dist is not built: npm run build -w @trawler/web");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-web-"));
  const server = await startServer(loadConfig({ port: opts.demoSite ? await demoPort() : 0, dataDir, demo: true, slots: 4, pollMs: 200, heartbeatMs: 500, logLevel: "warn" }, {}));
  const served = (await fetch(server.url + "/")).headers.get("content-type")?.startsWith("text/html");
  const front = served ? undefined : await frontFor(server.url);
  const api = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(server.url + url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    server,
    url: front?.url ?? server.url,
    api,
    async deploy(project, dir) {
      await api("POST", "/api/v1/projects", { name: project });
      const archive = await buffer(packProjectDirectory(dir));
      const res = await fetch(`${server.url}/api/v1/projects/${project}/versions`, { method: "POST", headers: { "content-type": "application/gzip" }, body: archive });
      if (res.status !== 201) throw new Error(`deploy ${project}: ${res.status} ${await res.text()}`);
    },
    async waitForJob(key, state, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const job = await api<Record<string, unknown>>("GET", `/api/v1/jobs/${key}`);
        if (job.state === state) return job;
        if (Date.now() > deadline) throw new Error(`job ${key} did not reach ${state}: ${JSON.stringify(job)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await front?.close();
      await server.close(2000);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far (a CSP violation shows up here). */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu", "--no-first-run"],
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}
