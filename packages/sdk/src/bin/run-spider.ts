// Runs one spider: `node --import <sdk>/loader/register.mjs run-spider.ts FILE [NAME]`.
// Under the platform (TRAWLER_FIFO set) everything goes over the message channel; standalone,
// logs go to stderr and items to TRAWLER_SDK_OUTPUT when set. Exit code 0 whenever the spider
// closed, whatever the reason; 1 when it could not start.
import { ENV } from "@trawler/core";
import { crawl } from "../crawler.ts";
import { importSpiders, pickSpider } from "../discover.ts";
import type { Engine } from "../engine.ts";
import { ChannelOutput, StandaloneOutput, type Output } from "../output/output.ts";

export const OUTPUT_ENV = "TRAWLER_SDK_OUTPUT";

function jsonObject(name: string): Record<string, unknown> {
  const text = process.env[name];
  if (!text) return {};
  const value = JSON.parse(text) as unknown;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

async function main(): Promise<number> {
  const [file, requested] = process.argv.slice(2);
  if (!file) throw new Error("usage: run-spider.ts FILE [SPIDER]");
  const args = Object.fromEntries(
    Object.entries(jsonObject(ENV.args)).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
  const settings = jsonObject(ENV.settings);
  const jobDir = process.env[ENV.jobDir];
  if (jobDir) settings.JOB_DIR = jobDir;
  const found = pickSpider(await importSpiders(file), file, requested || process.env[ENV.spider] || undefined);
  const fifo = process.env[ENV.fifo];
  const output: Output = fifo
    ? new ChannelOutput(fifo, process.env[ENV.ackFifo] || undefined)
    : new StandaloneOutput(found.name, process.env[OUTPUT_ENV] || undefined);
  let engine: Engine | undefined;
  const onSignal = (): void => {
    if (engine) engine.shutdown();
    else process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Spider code may leave a promise or timer that fails later; like Scrapy, log it and go on.
  const onStray = (error: unknown): void => {
    if (engine) engine.reportUnhandled(error);
    else throw error;
  };
  process.on("unhandledRejection", onStray);
  process.on("uncaughtException", onStray);
  await crawl({ spiderClass: found.cls, args, settings, output, onEngine: (e) => (engine = e) });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
