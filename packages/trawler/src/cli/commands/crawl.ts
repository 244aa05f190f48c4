// `trawler crawl FILE`: runs one SDK spider locally without a server (like `scrapy runspider`).

import type { Command } from "commander";
import { collectKeyValue } from "../options.ts";

interface CrawlOptions {
  arg?: Record<string, string>;
  set?: Record<string, string>;
  output?: string;
  spider?: string;
  logLevel?: string;
}

export function registerCrawl(program: Command): void {
  program
    .command("crawl")
    .description("run a spider file locally, without a server")
    .argument("<file>", "a .ts or .js file exporting spiders")
    .option("-a, --arg <name=value>", "spider argument (repeatable)", collectKeyValue)
    .option("-s, --set <name=value>", "setting (repeatable)", collectKeyValue)
    .option("-o, --output <file>", "write items to this file (.jsonl, .json or .csv)")
    .option("--spider <name>", "which spider, when the file exports several")
    .option("--log-level <level>", "minimum log level to print")
    .action(async (file: string, opts: CrawlOptions) => {
      // The SDK (and its downloader) is loaded only for this command; its package exports
      // runCrawlCommand (src/crawl-command.ts) from the root, the only path it exports.
      const { runCrawlCommand } = await import("@trawler/sdk");
      process.exitCode = await runCrawlCommand({
        file,
        spider: opts.spider,
        args: opts.arg ?? {},
        settings: opts.set ?? {},
        output: opts.output,
        logLevel: opts.logLevel,
      });
    });
}
