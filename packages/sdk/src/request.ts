// A request to fetch. Callbacks are spider method names so a request can be stored in a job
// directory and run again by another process.
import { requestFingerprint } from "./fingerprint.ts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// A callback may be given as a method of the spider; it is turned into its name when yielded.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CallbackRef = string | ((...args: any[]) => unknown);

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  priority?: number;
  callback?: CallbackRef;
  errback?: CallbackRef;
  meta?: Record<string, JsonValue>;
  dontFilter?: boolean;
  /** Per-request proxy, e.g. `http://127.0.0.1:3128` (Scrapy's `meta.proxy` also works). */
  proxy?: string;
}

/** What a job directory keeps of a request. */
export interface RequestRecord {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  priority?: number;
  callback?: string;
  errback?: string;
  meta?: Record<string, JsonValue>;
  dontFilter?: boolean;
  proxy?: string;
  depth?: number;
  parent?: number;
}

export class Request {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  priority: number;
  callback: CallbackRef | undefined;
  errback: CallbackRef | undefined;
  meta: Record<string, JsonValue>;
  dontFilter: boolean;
  proxy: string | undefined;
  depth = 0;
  /** Index of the REQ line of the response this request came from (Scrapy Cloud's `parent`). */
  parent: number | undefined;
  /** Row id in the job directory, when the scheduler persisted it. */
  storeId: number | undefined;
  private parsed: URL | undefined;
  private fp: string | undefined;

  constructor(url: string | URL, options: RequestOptions = {}) {
    if (typeof url !== "string") this.parsed = url;
    this.url = typeof url === "string" ? url : url.href;
    this.method = options.method ? options.method.toUpperCase() : "GET";
    this.headers = options.headers ?? {};
    this.body = options.body;
    this.priority = options.priority ?? 0;
    this.callback = options.callback;
    this.errback = options.errback;
    this.meta = options.meta ?? {};
    this.dontFilter = options.dontFilter ?? false;
    this.proxy = options.proxy;
  }

  /** The parsed URL; throws a TypeError naming the URL when it is not absolute and valid. */
  get parsedUrl(): URL {
    if (this.parsed === undefined || this.parsed.href !== this.url) {
      try {
        this.parsed = new URL(this.url);
      } catch {
        throw new TypeError(`invalid request URL: ${JSON.stringify(this.url)}`);
      }
      this.fp = undefined;
    }
    return this.parsed;
  }

  get fingerprint(): string {
    this.fp ??= requestFingerprint(this.method, this.parsedUrl, this.body);
    return this.fp;
  }

  /** A copy with some fields replaced (Scrapy's `request.replace`). */
  replace(changes: RequestOptions & { url?: string }): Request {
    const r = new Request(changes.url ?? this.url, {
      method: this.method,
      headers: { ...this.headers },
      body: this.body,
      priority: this.priority,
      callback: this.callback,
      errback: this.errback,
      meta: { ...this.meta },
      dontFilter: this.dontFilter,
      proxy: this.proxy,
      ...changes,
    });
    r.depth = this.depth;
    r.parent = this.parent;
    return r;
  }

  toRecord(): RequestRecord {
    const r: RequestRecord = { url: this.url };
    if (this.method !== "GET") r.method = this.method;
    if (Object.keys(this.headers).length > 0) r.headers = this.headers;
    if (this.body !== undefined) r.body = this.body;
    if (this.priority !== 0) r.priority = this.priority;
    if (typeof this.callback === "string") r.callback = this.callback;
    if (typeof this.errback === "string") r.errback = this.errback;
    if (Object.keys(this.meta).length > 0) r.meta = this.meta;
    if (this.dontFilter) r.dontFilter = true;
    if (this.proxy !== undefined) r.proxy = this.proxy;
    if (this.depth !== 0) r.depth = this.depth;
    if (this.parent !== undefined) r.parent = this.parent;
    return r;
  }

  static fromRecord(rec: RequestRecord): Request {
    const r = new Request(rec.url, rec);
    r.depth = rec.depth ?? 0;
    r.parent = rec.parent;
    return r;
  }

  /** A POST with a JSON body and content type. */
  static json(url: string, data: JsonValue, options: RequestOptions = {}): Request {
    return new Request(url, {
      method: "POST",
      ...options,
      headers: { "content-type": "application/json", ...options.headers },
      body: JSON.stringify(data),
    });
  }

  /** A POST of an HTML form (Scrapy's FormRequest). */
  static form(url: string, fields: Record<string, string>, options: RequestOptions = {}): Request {
    return new Request(url, {
      method: "POST",
      ...options,
      headers: { "content-type": "application/x-www-form-urlencoded", ...options.headers },
      body: new URLSearchParams(fields).toString(),
    });
  }
}
