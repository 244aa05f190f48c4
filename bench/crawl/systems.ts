// The crawlers compared by `npm run bench:crawl`, each doing the same crawl of the shop site.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measure, type Measured } from "./measure.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, "../..");
const SDK = path.join(REPO, "packages/sdk");
const PEERS = path.join(HERE, "peers");

export interface RunResult extends Measured {
  /** Seconds the crawl itself took, as the crawler reports it (start-up excluded), else wall time. */
  crawlS: number;
}

export interface System {
  id: string;
  /** A reason to skip, when the system cannot run here. */
  unavailable(): string | undefined;
  run(start: string, concurrency: number, tmp: string): Promise<RunResult>;
}

function fromJsonLine(m: Measured): RunResult {
  const line = m.stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  const wallMs = line ? Number((JSON.parse(line) as { wallMs?: number }).wallMs) : NaN;
  return { ...m, crawlS: Number.isFinite(wallMs) ? wallMs / 1000 : m.wallS };
}

function fromStatsDump(m: Measured, re: RegExp): RunResult {
  const hit = re.exec(m.stderr);
  return { ...m, crawlS: hit ? Number(hit[1]) : m.wallS };
}

function trawler(id: string, jobDir: boolean): System {
  return {
    id,
    unavailable: () => undefined,
    async run(start, concurrency, tmp) {
      const settings: Record<string, unknown> = {
        CONCURRENT_REQUESTS: concurrency,
        CONCURRENT_REQUESTS_PER_DOMAIN: concurrency,
        LOGSTATS_INTERVAL: 0,
      };
      if (jobDir) settings.JOB_DIR = path.join(tmp, "job");
      const m = await measure(
        process.execPath,
        [
          "--import",
          path.join(SDK, "loader/register.mjs"),
          path.join(SDK, "src/bin/run-spider.ts"),
          path.join(HERE, "bench-spider.ts"),
        ],
        {
          env: {
            ...process.env,
            TRAWLER_ARGS: JSON.stringify({ start }),
            TRAWLER_SETTINGS: JSON.stringify(settings),
            TRAWLER_SDK_OUTPUT: path.join(tmp, "out.jsonl"),
            TRAWLER_FIFO: "",
          },
          cwd: REPO,
        },
      );
      return fromStatsDump(m, /"elapsed_time_seconds": ([\d.]+)/);
    },
  };
}

function undici(parser: string): System {
  return {
    id: `undici+${parser}`,
    unavailable: () => undefined,
    async run(start, concurrency, tmp) {
      const m = await measure(
        process.execPath,
        [
          path.join(PEERS, "undici_crawler.mjs"),
          "--start",
          start,
          "--concurrency",
          String(concurrency),
          "--parser",
          parser,
          "--out",
          path.join(tmp, "out.jsonl"),
        ],
        { cwd: REPO },
      );
      return fromJsonLine(m);
    },
  };
}

function crawlee(persist: boolean): System {
  return {
    id: persist ? "crawlee (default storage)" : "crawlee (memory storage)",
    unavailable: () =>
      fs.existsSync(path.join(REPO, "node_modules/@crawlee/cheerio")) ? undefined : "@crawlee/cheerio is not installed",
    async run(start, concurrency, tmp) {
      const m = await measure(
        process.execPath,
        [
          path.join(PEERS, "crawlee_cheerio.mjs"),
          "--start",
          start,
          "--concurrency",
          String(concurrency),
          "--storage-dir",
          path.join(tmp, "crawlee"),
          "--persist",
          String(persist),
        ],
        { cwd: REPO, env: { ...process.env, CRAWLEE_LOG_LEVEL: "WARNING" } },
      );
      return fromJsonLine(m);
    },
  };
}

const scrapy: System = {
  id: "scrapy",
  unavailable() {
    try {
      execFileSync("/usr/bin/python3", ["-c", "import scrapy"], { stdio: "ignore" });
      return undefined;
    } catch {
      return "Scrapy is not installed (apt-get install python3-scrapy)";
    }
  },
  async run(start, concurrency, tmp) {
    const m = await measure(
      "/usr/bin/python3",
      [
        "-m",
        "scrapy",
        "runspider",
        path.join(PEERS, "scrapy_spider.py"),
        "-a",
        `start_url=${start}`,
        "-O",
        path.join(tmp, "out.jsonl"),
        "-s",
        `CONCURRENT_REQUESTS=${concurrency}`,
        "-s",
        `CONCURRENT_REQUESTS_PER_DOMAIN=${concurrency}`,
        "-s",
        "LOG_LEVEL=INFO",
      ],
      { cwd: tmp },
    );
    return fromStatsDump(m, /'elapsed_time_seconds': ([\d.]+)/);
  },
};

export const SYSTEMS: System[] = [
  trawler("trawler (memory)", false),
  trawler("trawler (job dir)", true),
  undici("cheerio-h2"),
  undici("htmlparser2"),
  crawlee(false),
  crawlee(true),
  scrapy,
];
