// The crawl engine: pulls requests from the scheduler up to CONCURRENT_REQUESTS, downloads
// them, runs callbacks, and closes the spider with Scrapy's close reasons.
import { setMaxListeners } from "node:events";
import { LOG_LEVELS } from "@trawler/core";
import { runCallback } from "./callback-runner.ts";
import { Downloader, errorName } from "./downloader/downloader.ts";
import { CloseSpider, HttpError, IgnoreRequest } from "./errors.ts";
import { Extensions } from "./extensions.ts";
import { Logger, describeError } from "./log.ts";
import { ItemFlow } from "./item-flow.ts";
import type { Output } from "./output/output.ts";
import { Request } from "./request.ts";
import { checkRequest } from "./request-check.ts";
import type { Response } from "./response.ts";
import { JobStore } from "./scheduler/job-store.ts";
import { Scheduler } from "./scheduler/scheduler.ts";
import { Settings } from "./settings.ts";
import type { Spider } from "./spider.ts";
import { Stats } from "./stats.ts";
import { OpenSpider } from "./open-spider.ts";
import { ResponsePolicy } from "./response-policy.ts";

export interface EngineOptions {
  spider: Spider;
  settings: Settings;
  output: Output;
}

export class Engine extends OpenSpider {
  private readonly scheduler: Scheduler;
  private readonly downloader: Downloader;
  private readonly items: ItemFlow;
  private readonly extensions: Extensions;
  private readonly maxActive: number;
  private readonly limits: { pages: number; errors: number };
  private readonly policy: ResponsePolicy;
  private readonly hardStop = new AbortController();
  private startIter: AsyncIterator<unknown> | Iterator<unknown> | undefined;
  private pullingStart = false;
  private active = 0;
  private responseIndex = 0;
  private errors = 0;
  private closeReason: string | undefined;
  private closed = false;
  private resolveClosed!: (reason: string) => void;
  readonly finished = new Promise<string>((resolve) => (this.resolveClosed = resolve));

  constructor(opts: EngineOptions) {
    const stats = new Stats();
    const logger = new Logger((level, msg) => opts.output.log(level, msg), stats, levelOf(opts.settings));
    const jobDir = opts.settings.getString("JOB_DIR");
    super(opts.spider, opts.settings, stats, logger, opts.output, jobDir ? new JobStore(jobDir) : undefined);
    this.scheduler = new Scheduler({
      store: this.store,
      dupefilter: opts.settings.getBool("DUPEFILTER_ENABLED"),
      depthLimit: opts.settings.getInt("DEPTH_LIMIT"),
      depthPriority: opts.settings.getNumber("DEPTH_PRIORITY"),
      stats,
    });
    this.downloader = new Downloader(opts.settings, stats, logger);
    this.items = new ItemFlow(
      opts.spider,
      opts.output,
      stats,
      logger,
      opts.settings.getInt("CLOSESPIDER_ITEMCOUNT"),
      (r) => this.close(r),
    );
    this.extensions = new Extensions({
      settings: this.settings,
      stats,
      logger,
      close: (r) => this.close(r),
      emitStats: () => this.output.stats(Date.now(), this.stats.toObject()),
      checkpointState: () => this.checkpointState(),
      hasJobDir: this.store !== undefined,
    });
    this.maxActive = Math.max(1, opts.settings.getInt("CONCURRENT_REQUESTS"));
    this.policy = new ResponsePolicy(opts.spider, opts.settings, logger);
    // Read once, so a bad value stops start-up with the setting's name instead of failing mid-crawl.
    this.limits = {
      pages: opts.settings.getInt("CLOSESPIDER_PAGECOUNT"),
      errors: opts.settings.getInt("CLOSESPIDER_ERRORCOUNT"),
    };
    opts.output.onFailure?.((error) => {
      process.stderr.write(`The message channel failed (${error.message}); stopping the crawl\n`);
      this.close("shutdown");
    });
    // Every request waiting to be retried listens on the hard-stop signal.
    setMaxListeners(0, this.hardStop.signal);
  }

  /** Runs the crawl to its end; resolves with the close reason. */
  async run(): Promise<string> {
    const resumed = this.open(this.scheduler, (r) => this.close(r));
    await this.items.open();
    this.extensions.start();
    try {
      await this.spider.opened();
      const start = this.spider.startRequests() as unknown as AsyncIterable<unknown> | Iterable<unknown>;
      this.startIter =
        Symbol.asyncIterator in start ? start[Symbol.asyncIterator]() : (start as Iterable<unknown>)[Symbol.iterator]();
    } catch (error) {
      this.logger.error("Error while opening the spider", error);
      this.close("failed");
    }
    if (resumed > 0) this.logger.info(`Resuming crawl (${resumed} requests scheduled)`);
    this.pump();
    return this.finished;
  }

  /** First call: stop taking requests, let in-flight ones finish, persist. Second: stop now. */
  shutdown(): void {
    if (this.closeReason === undefined) {
      this.logger.info("Received shutdown signal, shutting down gracefully. Send again to force");
      this.close("shutdown");
    } else if (!this.hardStop.signal.aborted) {
      this.logger.info("Received second shutdown signal, forcing unclean shutdown");
      this.hardStop.abort();
      this.downloader.abort();
      void this.finish();
    }
  }

  /** An error no callback awaited (a stray promise or timer in spider code): logged, not fatal. */
  reportUnhandled(error: unknown): void {
    this.stats.inc(`spider_exceptions/${(error as Error)?.name ?? "Error"}`);
    this.logger.error("Unhandled error in the spider process", error);
  }

  close(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.logger.info(`Closing spider (${reason})`);
    this.maybeFinish();
  }

  private pump(): void {
    if (this.closeReason !== undefined) return this.maybeFinish();
    while (this.active < this.maxActive) {
      const req = this.scheduler.next();
      if (!req) break;
      this.active++;
      void this.process(req)
        .catch((error: unknown) => this.logger.error(`Unexpected error processing <${req.method} ${req.url}>`, error))
        .finally(() => {
          this.active--;
          this.pump();
        });
    }
    if (this.scheduler.size < this.maxActive && this.startIter && !this.pullingStart) void this.pullStart();
    if (this.active === 0 && this.scheduler.size === 0 && !this.startIter && !this.pullingStart) this.close("finished");
  }

  /** Start requests are taken lazily, a batch at a time, so a huge start list costs no memory. */
  private async pullStart(): Promise<void> {
    this.pullingStart = true;
    try {
      while (this.startIter && this.closeReason === undefined && this.scheduler.size < this.maxActive * 2) {
        const step = await this.startIter.next();
        if (step.done) this.startIter = undefined;
        else if (step.value instanceof Request) this.schedule(step.value, "startRequests", undefined, 0, false);
        else if (step.value !== undefined)
          this.logger.error(`startRequests() must yield requests, got ${typeof step.value}`);
      }
    } catch (error) {
      this.startIter = undefined;
      this.logger.error(`Error while obtaining start requests`, error);
    } finally {
      this.pullingStart = false;
    }
    this.pump();
  }

  private schedule(req: Request, yieldedBy: string, parent: number | undefined, depth: number, offsite: boolean): void {
    checkRequest(req, this.spider, this.spiderName, yieldedBy);
    req.depth = depth;
    if (parent !== undefined) req.parent = parent;
    let url: URL;
    try {
      url = req.parsedUrl;
    } catch (error) {
      // Not thrown into the callback: one bad link must not end the loop that yields the rest.
      this.logger.error(`Dropped a request yielded by ${yieldedBy}(): ${(error as Error).message}`);
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      this.stats.inc("scheduler/filtered/scheme");
      this.logger.warning(`Unsupported URL scheme '${url.protocol.slice(0, -1)}': ${req.url}`);
      return;
    }
    if (offsite && !this.allowedHost(url.hostname)) {
      this.stats.inc("offsite/filtered");
      return;
    }
    if (this.scheduler.enqueue(req) && this.active < this.maxActive) this.pump();
  }

  private async process(req: Request): Promise<void> {
    const started = Date.now();
    let response: Response;
    try {
      if (!(await this.downloader.allowedByRobots(req.parsedUrl))) throw new IgnoreRequest("Forbidden by robots.txt");
      response = await this.downloader.fetch(req, this.hardStop.signal);
    } catch (error) {
      if (this.hardStop.signal.aborted) return;
      if (error instanceof IgnoreRequest) {
        this.stats.inc("robotstxt/forbidden");
        this.logger.debug(`${error.message}: <${req.method} ${req.url}>`);
      } else {
        this.logger.error(
          `Error downloading <${req.method} ${req.url}>: ${errorName(error)}: ${(error as Error).message}`,
        );
        await this.callSpider(req.errback, [error, req], req, undefined);
      }
      return await this.markDone(req);
    }
    const index = this.responseIndex++;
    this.stats.inc("response_received_count");
    this.output.request({
      url: response.url,
      method: req.method,
      status: response.status,
      rs: response.body.length,
      duration: Date.now() - started,
      time: started,
      parent: req.parent ?? null,
      fp: req.fingerprint,
    });
    if (this.logger.isEnabled(LOG_LEVELS.DEBUG))
      this.logger.debug(`Crawled (${response.status}) <${req.method} ${response.url}>`);
    this.checkBan(response);
    this.checkCount(this.limits.pages, this.stats.num("response_received_count"), "closespider_pagecount");
    if (this.policy.handles(response)) await this.callSpider(req.callback ?? "parse", [response], req, index);
    else {
      this.stats.inc("httperror/response_ignored_count");
      this.stats.inc(`httperror/response_ignored_status_count/${response.status}`);
      this.logger.info(
        `Ignoring response <${response.status} ${response.url}>: HTTP status code is not handled or not allowed`,
      );
      await this.callSpider(req.errback, [new HttpError(response.status, response.url), req], req, index);
    }
    await this.markDone(req);
  }

  /** Runs a callback; its errors are logged with their stack and counted, never fatal. */
  private async callSpider(name: unknown, args: unknown[], req: Request, index: number | undefined): Promise<void> {
    if (typeof name !== "string") return;
    const fn = (this.spider as unknown as Record<string, unknown>)[name];
    const depth = req.depth + 1;
    try {
      if (typeof fn !== "function") throw new TypeError(`${this.spiderName}.${name} is not a method`);
      await runCallback(
        () => (fn as (...a: unknown[]) => unknown).apply(this.spider, args),
        (value) => {
          if (value instanceof Request) return this.schedule(value, name, index, depth, true);
          if (typeof value === "object" && value !== null && !Array.isArray(value))
            return this.items.process(value as Record<string, unknown>, req.url);
          if (value !== undefined && value !== null)
            this.logger.error(
              `Spider must return requests, items or nothing, got ${typeof value} in ${name}() for <${req.method} ${req.url}>`,
            );
        },
      );
    } catch (error) {
      if (error instanceof CloseSpider) return this.close(error.reason);
      this.errors++;
      this.stats.inc(`spider_exceptions/${(error as Error)?.name ?? "Error"}`);
      this.logger.error(`Spider error processing <${req.method} ${req.url}> in ${name}()`, error);
      this.checkCount(this.limits.errors, this.errors, "closespider_errorcount");
    }
  }

  /**
   * With a job directory, a page is done once its items reached the OS and its row's deletion
   * is committed. Its concurrency slot is held until then, so what a kill -9 can make the next
   * run fetch again is bounded by CONCURRENT_REQUESTS.
   */
  private async markDone(req: Request): Promise<void> {
    if (!this.store) return;
    await this.output.flushed();
    await this.scheduler.done(req);
  }

  private maybeFinish(): void {
    if (this.closeReason === undefined || this.active > 0) return;
    void this.finish();
  }

  private async finish(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.extensions.stop();
    this.extensions.checkMemory();
    const reason = this.closeReason ?? "shutdown";
    try {
      await this.spider.closed(reason);
    } catch (error) {
      this.logger.error("Error in closed()", error);
    }
    await this.items.close();
    await this.downloader.close();
    await this.closeRun(reason);
    this.resolveClosed(reason);
  }

  private checkBan(response: Response): void {
    if (!this.policy.banned(response)) return;
    this.stats.set("banned/url", response.url);
    this.logger.error(`Banned: ${response.status} from ${response.url}; closing the spider`);
    this.close("banned");
  }

  private checkCount(limit: number, value: number, reason: string): void {
    if (limit > 0 && value >= limit) this.close(reason);
  }
}

function levelOf(settings: Settings): number {
  const name = settings.getString("LOG_LEVEL").toUpperCase();
  return name in LOG_LEVELS ? LOG_LEVELS[name as keyof typeof LOG_LEVELS] : Number(name) || LOG_LEVELS.INFO;
}

export { describeError };
