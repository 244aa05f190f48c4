// Serves the web dashboard (packages/web/dist) at `/`: its files with @fastify/static, and
// index.html for every other GET outside /api and /docs so the dashboard's own URLs
// (/p/1, /jobs/1/3/42/logs) can be opened and shared. HTML carries a strict Content-Security-Policy:
// scripts only from this server, no inline scripts, no plugins, no framing.

import fs from "node:fs";
import path from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";
import fastifyStatic from "@fastify/static";
import { packageDir } from "@trawler/core/paths";

export const WEB_DIST = path.join(packageDir("@trawler/web"), "dist");

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets CSS variables in inline style attributes and <style> tags.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trawler</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.5">
<h1>Trawler</h1>
<p>The web dashboard has not been built in this checkout.</p>
<p>Build it with <code>npm run build -w @trawler/web</code> (a root <code>npm install</code> does it too) and restart <code>trawler serve</code>.</p>
<p>The HTTP API works without it: see <a href="/docs">/docs</a>.</p>
</body></html>`;

function isHtml(reply: FastifyReply): boolean {
  return String(reply.getHeader("content-type") ?? "").startsWith("text/html");
}

/** Paths that belong to the server, never to the dashboard's client-side routes. */
function isServerPath(url: string): boolean {
  return /^\/(api|docs)(\/|$|\?)/.test(url);
}

export async function registerWeb(app: FastifyInstance, dist: string = WEB_DIST): Promise<void> {
  const index = path.join(dist, "index.html");
  const built = fs.existsSync(index);
  await app.register(async (web) => {
    web.addHook("onSend", async (_req, reply, payload) => {
      if (isHtml(reply)) {
        reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
        reply.header("referrer-policy", "same-origin");
        reply.header("cache-control", "no-cache");
      }
      return payload;
    });
    if (built) {
      await web.register(fastifyStatic, {
        root: dist,
        prefix: "/",
        // One route per built file, so unknown paths fall through to the SPA fallback below.
        wildcard: false,
        index: false,
        decorateReply: false,
        // Built assets have content hashes in their names, so they never change; the rest is revalidated.
        cacheControl: false,
        setHeaders(res, file) {
          const immutable = file.includes(`${path.sep}assets${path.sep}`);
          res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
        },
      });
    }
    web.get("/*", { schema: { hide: true } }, async (req, reply) => {
      // A missing built file is a 404, not the dashboard (a stale page asking for old assets).
      if (isServerPath(req.url) || req.url.startsWith("/assets/")) return reply.callNotFound();
      reply.type("text/html; charset=utf-8");
      if (!built || !fs.existsSync(index)) return reply.send(NOT_BUILT);
      return reply.send(await fs.promises.readFile(index));
    });
  });
}
