// The spider message channel: Scrapy Cloud's custom-image line protocol, `TYPE JSON\n`.

export const MAX_LINE_BYTES = 1024 * 1024;

export const LOG_LEVELS = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

export function levelName(level: number): LogLevelName {
  if (level >= 50) return "CRITICAL";
  if (level >= 40) return "ERROR";
  if (level >= 30) return "WARNING";
  if (level >= 20) return "INFO";
  return "DEBUG";
}

/** Accepts 10..50 or a name such as "error"; returns undefined for anything else. */
export function parseLevel(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 50) return value;
  if (typeof value === "string") {
    const upper = value.toUpperCase();
    if (upper === "WARN") return LOG_LEVELS.WARNING;
    if (upper in LOG_LEVELS) return LOG_LEVELS[upper as LogLevelName];
    if (/^\d+$/.test(value)) return parseLevel(Number(value));
  }
  return undefined;
}

export interface LogMessage {
  time: number;
  level: number;
  message: string;
}

export interface RequestMessage {
  url: string;
  method: string;
  status: number;
  rs: number;
  duration: number;
  time: number;
  parent?: number | null;
  fp?: string | null;
}

export type Item = Record<string, unknown>;

export type ChannelMessage =
  | { type: "ITM"; item: Item; bytes: number }
  | { type: "LOG"; log: LogMessage }
  | { type: "REQ"; request: RequestMessage }
  | { type: "STA"; time: number; stats: Record<string, unknown> }
  | { type: "FIN"; outcome: string }
  | { type: "invalid"; reason: string; sample: string };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function invalid(reason: string, line: string): ChannelMessage {
  return { type: "invalid", reason, sample: line.length > 200 ? `${line.slice(0, 200)}…` : line };
}

/**
 * Parses one line of the channel (without its newline). `bytes` is the line's size in bytes
 * when the caller knows it; it decides the item size check without re-encoding.
 */
export function parseChannelLine(line: string, now: () => number = Date.now): ChannelMessage {
  const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
  if (trimmed.startsWith("{")) return parseItem(trimmed, trimmed, line);
  const space = trimmed.indexOf(" ");
  const type = space === -1 ? trimmed : trimmed.slice(0, space);
  const body = space === -1 ? "" : trimmed.slice(space + 1);
  let data: unknown;
  switch (type) {
    case "ITM":
      return parseItem(body, trimmed, line);
    case "LOG": {
      data = parseJson(body);
      if (!isPlainObject(data)) return invalid("LOG needs a JSON object", line);
      const level = parseLevel(data.level) ?? LOG_LEVELS.INFO;
      const message = typeof data.message === "string" ? data.message : JSON.stringify(data.message ?? "");
      return { type: "LOG", log: { time: finiteOr(data.time, now()), level, message } };
    }
    case "REQ": {
      data = parseJson(body);
      if (!isPlainObject(data) || typeof data.url !== "string") return invalid("REQ needs a JSON object with a url", line);
      return {
        type: "REQ",
        request: {
          url: data.url,
          method: typeof data.method === "string" ? data.method.slice(0, 16) : "GET",
          status: finiteOr(data.status, 0),
          rs: finiteOr(data.rs, 0),
          duration: finiteOr(data.duration, 0),
          time: finiteOr(data.time, now()),
          parent: typeof data.parent === "number" ? data.parent : null,
          fp: typeof data.fp === "string" ? data.fp.slice(0, 128) : null,
        },
      };
    }
    case "STA": {
      data = parseJson(body);
      if (!isPlainObject(data) || !isPlainObject(data.stats)) return invalid("STA needs {\"stats\": {...}}", line);
      return { type: "STA", time: finiteOr(data.time, now()), stats: data.stats };
    }
    case "FIN": {
      data = parseJson(body);
      if (!isPlainObject(data) || typeof data.outcome !== "string" || data.outcome.length === 0)
        return invalid("FIN needs {\"outcome\": \"...\"}", line);
      return { type: "FIN", outcome: data.outcome.slice(0, 255) };
    }
    default:
      return invalid(`unknown message type ${JSON.stringify(type.slice(0, 20))}`, line);
  }
}

function parseItem(body: string, _trimmed: string, line: string): ChannelMessage {
  const data = parseJson(body);
  if (!isPlainObject(data)) return invalid("ITM needs a JSON object", line);
  return { type: "ITM", item: data, bytes: Buffer.byteLength(body) };
}

const NOT_JSON = Symbol("not json");
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function finiteOr(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/** Formats one channel line, newline included. */
export function formatChannelLine(type: "ITM" | "LOG" | "REQ" | "STA" | "FIN", data: unknown): string {
  return `${type} ${JSON.stringify(data)}\n`;
}
