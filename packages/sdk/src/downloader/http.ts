// One HTTP exchange on undici: no redirects, no retries — the downloader decides those.
import { promisify } from "node:util";
import zlib from "node:zlib";
import type { Dispatcher } from "undici";

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  setCookie: string[];
  body: Buffer;
  /** Bytes received on the wire (before decompression). */
  wireBytes: number;
  /** Seconds until the response headers arrived (what AutoThrottle uses). */
  latency: number;
}

export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  maxSize: number;
  signal?: AbortSignal;
}

export class ResponseTooLarge extends Error {
  override name = "ResponseTooLarge";
}

export async function exchange(dispatcher: Dispatcher, req: HttpRequest): Promise<RawResponse> {
  const started = performance.now();
  const res = await dispatcher.request({
    origin: req.url.origin,
    path: req.url.pathname + req.url.search,
    method: req.method as Dispatcher.HttpMethod,
    headers: req.headers,
    body: req.body,
    headersTimeout: req.timeoutMs,
    bodyTimeout: req.timeoutMs,
    signal: req.signal,
  });
  const latency = (performance.now() - started) / 1000;
  const headers: Record<string, string> = {};
  let setCookie: string[] = [];
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    if (name === "set-cookie") setCookie = Array.isArray(value) ? value : [value];
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const declared = Number(headers["content-length"] ?? -1);
  if (declared > req.maxSize) {
    res.body.destroy();
    throw new ResponseTooLarge(`response of ${declared} bytes is over DOWNLOAD_MAXSIZE (${req.maxSize})`);
  }
  const raw = Buffer.from(await res.body.arrayBuffer());
  const body = await decode(raw, headers["content-encoding"]);
  return { status: res.statusCode, headers, setCookie, body, wireBytes: raw.length, latency };
}

async function decode(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  if (!encoding || body.length === 0) return body;
  switch (encoding.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return gunzip(body);
    case "deflate":
      // Some servers send raw deflate without the zlib header.
      return inflate(body).catch(() => inflateRaw(body));
    case "br":
      return brotli(body);
    default:
      return body;
  }
}
