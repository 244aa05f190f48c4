// The class users extend. Scrapy names where they exist (startUrls, customSettings, state,
// parse, closed), TypeScript conventions otherwise.
import { Request } from "./request.ts";
import type { Response } from "./response.ts";
import type { Settings } from "./settings.ts";
import type { Logger } from "./log.ts";
import type { ItemPipeline, PipelineRef } from "./pipelines.ts";

/** What a callback may give back: requests, items (plain objects), or a mix, sync or async. */
export type CallbackOutput = Request | Record<string, unknown> | null | undefined | void;
export type CallbackResult =
  | CallbackOutput
  | Iterable<CallbackOutput>
  | AsyncIterable<CallbackOutput>
  | Promise<CallbackOutput | Iterable<CallbackOutput>>;

/** The engine side a spider talks to; set before `opened()` runs. */
export interface SpiderRuntime {
  settings: Settings;
  logger: Logger;
  close(reason: string): void;
}

export abstract class Spider {
  // Each spider sets `static name = "…"` (its unique name in the project). It is not declared
  // here so that subclasses need no `override` under noImplicitOverride.
  startUrls: string[] = [];
  /** When set, requests to other domains (and their subdomains) are dropped: offsite/filtered. */
  allowedDomains: string[] | undefined;
  customSettings: Record<string, unknown> = {};
  /** Item pipelines, run in order; instances or classes with a no-argument constructor. */
  pipelines: PipelineRef[] = [];
  /** Statuses handed to callbacks instead of being ignored (Scrapy's handle_httpstatus_list). */
  handleHttpStatusList: number[] = [];
  /** Kept in the job directory across pause and resume (checkpointed periodically and on close). */
  // The state is whatever the spider keeps; `any` lets `this.state.n = (this.state.n ?? 0) + 1` type-check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  state: Record<string, any> = {};
  /** Spider arguments (`-a key=value`); also set as properties when no method has that name. */
  args: Record<string, string> = {};
  private runtime: SpiderRuntime | undefined;

  get name(): string {
    return (this.constructor as typeof Spider).name;
  }

  get settings(): Settings {
    return this.attached().settings;
  }

  get logger(): Logger {
    return this.attached().logger;
  }

  /** Closes the spider with `reason` (Scrapy's close reason); in-flight requests finish first. */
  close(reason = "cancelled"): void {
    this.attached().close(reason);
  }

  log(message: string): void {
    this.logger.info(message);
  }

  /** The first requests; by default one per start URL with `parse` as callback. */
  async *startRequests(): AsyncIterable<Request> {
    for (const url of this.startUrls) yield new Request(url, { dontFilter: false });
  }

  parse(_response: Response): CallbackResult {
    throw new Error(`${this.name}.parse is not defined`);
  }

  /** Called once before the first request. */
  opened(): void | Promise<void> {}

  /** Called once with the close reason, before pipelines close. */
  closed(_reason: string): void | Promise<void> {}

  /** Opt-in ban detection: return true when a response shows the site is refusing the crawl. */
  isBanned?(response: Response): boolean;

  /** @internal */
  attach(runtime: SpiderRuntime): void {
    this.runtime = runtime;
  }

  private attached(): SpiderRuntime {
    if (!this.runtime) throw new Error("the spider is not running yet (settings and logger exist from opened() on)");
    return this.runtime;
  }
}

export type SpiderClass = (new () => Spider) & { name: string };

export type { ItemPipeline };
