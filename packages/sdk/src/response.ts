// A downloaded response. The HTML is parsed only when css() or $ is first used, so spiders
// that read JSON or text pay nothing for parsing.
import { load, type CheerioAPI } from "cheerio/slim";
import { parseDocument } from "htmlparser2";
import { Request, type CallbackRef, type RequestOptions, type JsonValue } from "./request.ts";
import { SelectorList, type DomNode, type SelectorContext } from "./selector.ts";

export interface ResponseInit {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  request: Request;
}

export class Response {
  readonly url: string;
  readonly status: number;
  /** Header names are lower case; repeated headers are joined with ", " (set-cookie with "\n"). */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly request: Request;
  private textCache: string | undefined;
  private document: DomNode | undefined;
  private cheerioApi: CheerioAPI | undefined;
  private selectorContext: SelectorContext | undefined;
  private base: URL | undefined;

  constructor(init: ResponseInit) {
    this.url = init.url;
    this.status = init.status;
    this.headers = init.headers;
    this.body = init.body;
    this.request = init.request;
  }

  get meta(): Record<string, JsonValue> {
    return this.request.meta;
  }

  get text(): string {
    this.textCache ??= decodeBody(this.body, this.headers["content-type"]);
    return this.textCache;
  }

  json<T = unknown>(): T {
    return JSON.parse(this.text) as T;
  }

  /** The cheerio document, over the same htmlparser2 DOM that css() queries. */
  get $(): CheerioAPI {
    // "utf8": serialise like browsers and lxml (escape & < > and quotes, keep "$" and "é").
    this.cheerioApi ??= load(this.dom as never, { encodeEntities: "utf8" } as never);
    return this.cheerioApi;
  }

  css(query: string): SelectorList {
    this.selectorContext ??= { root: this.dom, cheerio: () => this.$ };
    return SelectorList.select(this.selectorContext, query);
  }

  private get dom(): DomNode {
    this.document ??= parseDocument(this.text) as unknown as DomNode;
    return this.document;
  }

  urljoin(href: string): string {
    this.base ??= new URL(this.url);
    return new URL(href, this.base).href;
  }

  /** A request for a link relative to this page; the callback defaults to `parse`. */
  follow(href: string, callback?: CallbackRef, options: RequestOptions = {}): Request {
    this.base ??= new URL(this.url);
    const req = new Request(new URL(href.trim(), this.base), { ...options, callback: callback ?? options.callback });
    return req;
  }

  /** Requests for several links, skipping ones that are not http(s) (mailto:, javascript:). */
  followAll(hrefs: Iterable<string> | SelectorList, callback?: CallbackRef, options: RequestOptions = {}): Request[] {
    const out: Request[] = [];
    const list = hrefs instanceof SelectorList ? hrefs.all() : hrefs;
    for (const href of list) {
      let req: Request;
      try {
        req = this.follow(href, callback, options);
      } catch {
        continue;
      }
      const p = req.parsedUrl.protocol;
      if (p === "http:" || p === "https:") out.push(req);
    }
    return out;
  }
}

function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = contentType ? /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)?.[1]?.toLowerCase() : undefined;
  if (!charset || charset === "utf-8" || charset === "utf8") return body.toString("utf8");
  if (charset === "iso-8859-1" || charset === "latin1" || charset === "us-ascii") return body.toString("latin1");
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return body.toString("utf8");
  }
}
