// The downloader: per-domain slots, retries with back-off, redirects, cookies, proxies and
// robots.txt around single undici exchanges.
import { STATUS_CODES } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, ProxyAgent, type Dispatcher } from "undici";
import { NonRetryableError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Request } from "../request.ts";
import { Response } from "../response.ts";
import type { Settings } from "../settings.ts";
import type { Stats } from "../stats.ts";
import { Cookies } from "./cookies.ts";
import { exchange, type RawResponse } from "./http.ts";
import { RobotsCache } from "./robots.ts";
import { Slots } from "./slots.ts";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

export class Downloader {
  private readonly agent: Agent;
  private readonly proxies = new Map<string, ProxyAgent>();
  private readonly slots: Slots;
  private readonly cookies = new Cookies();
  private readonly robots: RobotsCache | undefined;
  private readonly baseHeaders: Record<string, string>;
  private readonly retryCodes: Set<number>;
  private readonly cfg;

  constructor(
    settings: Settings,
    private readonly stats: Stats,
    private readonly logger: Logger,
  ) {
    const perDomain = Math.max(1, settings.getInt("CONCURRENT_REQUESTS_PER_DOMAIN"));
    this.cfg = {
      timeoutMs: settings.getNumber("DOWNLOAD_TIMEOUT") * 1000,
      maxSize: settings.getNumber("DOWNLOAD_MAXSIZE"),
      retry: settings.getBool("RETRY_ENABLED"),
      retryTimes: settings.getInt("RETRY_TIMES"),
      backoffBase: settings.getNumber("RETRY_BACKOFF_BASE"),
      backoffMax: settings.getNumber("RETRY_BACKOFF_MAX"),
      redirect: settings.getBool("REDIRECT_ENABLED"),
      maxRedirects: settings.getInt("REDIRECT_MAX_TIMES"),
      cookies: settings.getBool("COOKIES_ENABLED"),
    };
    this.retryCodes = new Set(settings.getNumberList("RETRY_HTTP_CODES"));
    this.agent = new Agent({
      connections: perDomain,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      connect: { timeout: this.cfg.timeoutMs },
    });
    this.slots = new Slots({
      concurrency: perDomain,
      delay: settings.getNumber("DOWNLOAD_DELAY"),
      randomizeDelay: settings.getBool("RANDOMIZE_DOWNLOAD_DELAY"),
      autothrottle: {
        enabled: settings.getBool("AUTOTHROTTLE_ENABLED"),
        startDelay: settings.getNumber("AUTOTHROTTLE_START_DELAY"),
        maxDelay: settings.getNumber("AUTOTHROTTLE_MAX_DELAY"),
        targetConcurrency: settings.getNumber("AUTOTHROTTLE_TARGET_CONCURRENCY"),
      },
    });
    const userAgent = settings.getString("USER_AGENT");
    this.baseHeaders = { ...lowerKeys(settings.getDict("DEFAULT_REQUEST_HEADERS")), "user-agent": userAgent };
    if (settings.getBool("COMPRESSION_ENABLED")) this.baseHeaders["accept-encoding"] = "gzip, deflate, br";
    if (settings.getBool("ROBOTSTXT_OBEY")) {
      this.robots = new RobotsCache(
        async (url) => {
          const raw = await exchange(
            this.agent,
            this.httpRequest(new URL(url), "GET", { ...this.baseHeaders }, undefined),
          );
          return { status: raw.status, text: raw.body.toString("utf8") };
        },
        userAgent,
        stats,
      );
    }
  }

  /** False when robots.txt forbids the URL (only with ROBOTSTXT_OBEY). */
  async allowedByRobots(url: URL): Promise<boolean> {
    return this.robots ? this.robots.allowed(url) : true;
  }

  async fetch(req: Request, signal: AbortSignal): Promise<Response> {
    let url = req.parsedUrl;
    let method = req.method;
    let body = req.body;
    let attempt = 0;
    let redirects = 0;
    const jarKey =
      typeof req.meta.cookiejar === "string" || typeof req.meta.cookiejar === "number"
        ? String(req.meta.cookiejar)
        : "";
    const maxRetries = typeof req.meta.maxRetryTimes === "number" ? req.meta.maxRetryTimes : this.cfg.retryTimes;
    const mayRetry = this.cfg.retry && req.meta.dontRetry !== true;
    const proxyUrl = req.proxy ?? (typeof req.meta.proxy === "string" ? req.meta.proxy : undefined);
    const dispatcher = proxyUrl ? this.proxy(proxyUrl) : this.agent;
    for (;;) {
      const headers = this.headersFor(req, url, jarKey);
      const slot = this.slots.get(url.hostname);
      const wait = slot.acquire();
      if (wait) await wait;
      this.stats.inc("downloader/request_count");
      this.stats.inc(`downloader/request_method_count/${method}`);
      let raw: RawResponse;
      try {
        // No per-request AbortSignal (a listener per request shows in profiles): abort() destroys the agents.
        raw = await exchange(dispatcher, this.httpRequest(url, method, headers, body));
      } catch (error) {
        slot.release();
        const name = errorName(error);
        this.stats.inc("downloader/exception_count");
        this.stats.inc(`downloader/exception_type_count/${name}`);
        if (signal.aborted || !mayRetry || !isRetryable(error)) throw error;
        if (!(await this.retry(req, ++attempt, maxRetries, name, signal))) throw error;
        continue;
      }
      slot.release();
      slot.observeLatency(raw.latency, raw.status);
      this.stats.inc("downloader/response_count");
      this.stats.inc(`downloader/response_status_count/${raw.status}`);
      this.stats.inc("downloader/response_bytes", raw.wireBytes);
      if (this.cfg.cookies) this.cookies.store(url.href, raw.setCookie, jarKey);
      const location = raw.headers.location;
      if (this.cfg.redirect && REDIRECT_STATUSES.has(raw.status) && location && req.meta.dontRedirect !== true) {
        if (++redirects > this.cfg.maxRedirects) {
          this.logger.debug(`Discarding ${req.url}: max redirections reached`);
          this.stats.inc("redirect/max_reached");
          throw new NonRetryableError(`too many redirects (more than ${this.cfg.maxRedirects}) from ${req.url}`);
        }
        const next = new URL(location, url);
        this.logger.debug(`Redirecting (${raw.status}) to ${next.href} from ${url.href}`);
        if (raw.status === 303 || ((raw.status === 301 || raw.status === 302) && method === "POST")) {
          method = method === "HEAD" ? "HEAD" : "GET";
          body = undefined;
        }
        url = next;
        continue;
      }
      if (
        mayRetry &&
        this.retryCodes.has(raw.status) &&
        (await this.retry(req, ++attempt, maxRetries, `${raw.status} ${STATUS_CODES[raw.status] ?? ""}`.trim(), signal))
      )
        continue;
      return new Response({ url: url.href, status: raw.status, headers: raw.headers, body: raw.body, request: req });
    }
  }

  /** Fails every request in flight now (the second shutdown signal). */
  abort(): void {
    for (const d of [this.agent, ...this.proxies.values()]) void d.destroy().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.agent.close(), ...[...this.proxies.values()].map((p) => p.close())]);
  }

  /** Waits an exponential, jittered back-off; false when the retries are used up. */
  private async retry(
    req: Request,
    attempt: number,
    maxRetries: number,
    reason: string,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (attempt > maxRetries) {
      this.stats.inc("retry/max_reached");
      this.logger.error(`Gave up retrying <${req.method} ${req.url}> (failed ${attempt} times): ${reason}`);
      return false;
    }
    this.stats.inc("retry/count");
    this.stats.inc(`retry/reason_count/${reason}`);
    this.logger.debug(`Retrying <${req.method} ${req.url}> (failed ${attempt} times): ${reason}`);
    const backoff = Math.min(this.cfg.backoffMax, this.cfg.backoffBase * 2 ** (attempt - 1)) * (0.5 + Math.random());
    if (backoff > 0) await sleep(backoff * 1000, undefined, { signal }).catch(() => undefined);
    return !signal.aborted;
  }

  private headersFor(req: Request, url: URL, jarKey: string): Record<string, string> {
    const headers = { ...this.baseHeaders };
    for (const k in req.headers) headers[k.toLowerCase()] = req.headers[k] as string;
    if (this.cfg.cookies) {
      const cookie = this.cookies.header(url.href, jarKey);
      if (cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookie}` : cookie;
    }
    return headers;
  }

  private httpRequest(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal?: AbortSignal,
  ) {
    return { url, method, headers, body, timeoutMs: this.cfg.timeoutMs, maxSize: this.cfg.maxSize, signal };
  }

  private proxy(uri: string): Dispatcher {
    let p = this.proxies.get(uri);
    if (!p) {
      p = new ProxyAgent({ uri, keepAliveTimeout: 60_000 });
      this.proxies.set(uri, p);
    }
    return p;
  }
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

export function errorName(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown };
  if (typeof e?.code === "string") return e.code;
  return typeof e?.name === "string" ? e.name : "Error";
}

function isRetryable(error: unknown): boolean {
  if (error instanceof NonRetryableError) return false;
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === "string" && RETRYABLE_CODES.has(e.code)) return true;
  return typeof e?.cause?.code === "string" && RETRYABLE_CODES.has(e.cause.code);
}
