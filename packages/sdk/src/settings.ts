// One table of settings: name, default, and how a string from `-s NAME=value` is read.
// Precedence (lowest first): defaults < spider.customSettings < TRAWLER_SETTINGS / -s.

export type SettingValue = string | number | boolean | null | SettingValue[] | { [k: string]: SettingValue };

export const DEFAULT_SETTINGS = {
  BOT_NAME: "trawler",
  USER_AGENT: "Trawler/0.1 (+https://github.com/trawler)",
  DEFAULT_REQUEST_HEADERS: {
    accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-language": "en",
  },
  CONCURRENT_REQUESTS: 16,
  CONCURRENT_REQUESTS_PER_DOMAIN: 8,
  DOWNLOAD_DELAY: 0,
  RANDOMIZE_DOWNLOAD_DELAY: true,
  DOWNLOAD_TIMEOUT: 180,
  DOWNLOAD_MAXSIZE: 1024 * 1024 * 1024,
  AUTOTHROTTLE_ENABLED: false,
  AUTOTHROTTLE_START_DELAY: 5,
  AUTOTHROTTLE_MAX_DELAY: 60,
  AUTOTHROTTLE_TARGET_CONCURRENCY: 1,
  RETRY_ENABLED: true,
  RETRY_TIMES: 2,
  RETRY_HTTP_CODES: [500, 502, 503, 504, 522, 524, 408, 429],
  RETRY_BACKOFF_BASE: 0.5,
  RETRY_BACKOFF_MAX: 30,
  REDIRECT_ENABLED: true,
  REDIRECT_MAX_TIMES: 20,
  COOKIES_ENABLED: true,
  COMPRESSION_ENABLED: true,
  ROBOTSTXT_OBEY: false,
  HTTPERROR_ALLOW_ALL: false,
  DEPTH_LIMIT: 0,
  DEPTH_PRIORITY: 0,
  DUPEFILTER_ENABLED: true,
  CLOSESPIDER_TIMEOUT: 0,
  CLOSESPIDER_ITEMCOUNT: 0,
  CLOSESPIDER_PAGECOUNT: 0,
  CLOSESPIDER_ERRORCOUNT: 0,
  MEMUSAGE_ENABLED: true,
  MEMUSAGE_LIMIT_MB: 0,
  MEMUSAGE_WARNING_MB: 0,
  MEMUSAGE_CHECK_INTERVAL_SECONDS: 60,
  BAN_STATUS_CODES: [403, 429],
  BAN_THRESHOLD: 0,
  LOG_LEVEL: "INFO",
  LOGSTATS_INTERVAL: 60,
  STATS_INTERVAL: 5,
  JOB_DIR: "",
  STATE_CHECKPOINT_INTERVAL: 1,
} satisfies Record<string, SettingValue>;

export type SettingName = keyof typeof DEFAULT_SETTINGS;

export class SettingError extends Error {
  override name = "SettingError";
}

/** Read-only view of the merged settings with typed getters; a bad value names the setting. */
export class Settings {
  private readonly values: Map<string, unknown>;

  constructor(...layers: Array<Record<string, unknown> | undefined>) {
    this.values = new Map(Object.entries(DEFAULT_SETTINGS));
    for (const layer of layers) if (layer) for (const [k, v] of Object.entries(layer)) this.values.set(k, v);
  }

  get(name: string): unknown {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  getNumber(name: string): number {
    const v = this.values.get(name);
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isFinite(n))
      throw new SettingError(`setting ${name} must be a number, got ${JSON.stringify(v)}`);
    return n;
  }

  getInt(name: string): number {
    return Math.trunc(this.getNumber(name));
  }

  getBool(name: string): boolean {
    const v = this.values.get(name);
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    if (typeof v === "string" && /^(1|true|yes|on)$/i.test(v)) return true;
    if (typeof v === "string" && /^(0|false|no|off|)$/i.test(v)) return false;
    throw new SettingError(`setting ${name} must be a boolean, got ${JSON.stringify(v)}`);
  }

  getString(name: string): string {
    const v = this.values.get(name);
    if (v === undefined || v === null) return "";
    return typeof v === "string" ? v : String(v);
  }

  /** Lists may be given as JSON (`[403,429]`) or comma-separated (`403,429`). */
  getList(name: string): unknown[] {
    const v = this.values.get(name);
    if (Array.isArray(v)) return v;
    if (typeof v === "string") {
      const t = v.trim();
      if (t.startsWith("[")) return parseJson(name, t) as unknown[];
      return t === "" ? [] : t.split(",").map((s) => s.trim());
    }
    throw new SettingError(`setting ${name} must be a list, got ${JSON.stringify(v)}`);
  }

  getNumberList(name: string): number[] {
    return this.getList(name).map((x) => {
      const n = Number(x);
      if (!Number.isFinite(n)) throw new SettingError(`setting ${name} must be a list of numbers`);
      return n;
    });
  }

  getDict(name: string): Record<string, string> {
    let v = this.values.get(name);
    if (typeof v === "string") v = parseJson(name, v);
    if (typeof v !== "object" || v === null || Array.isArray(v))
      throw new SettingError(`setting ${name} must be an object`);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  }

  toObject(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SettingError(`setting ${name} is not valid JSON: ${text.slice(0, 80)}`);
  }
}
