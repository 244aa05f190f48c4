// `trawler items KEY [--format csv|json|jsonl|xlsx] [-o FILE] [--fields a,b]`: streams the export to a
// file or stdout, never holding more than a chunk in memory. With -o and a terminal on stderr, a
// progress bar counts rows against the job's item count (the export's x-item-count header).

import fs from "node:fs";
import { PassThrough, Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { Option, type Command } from "commander";
import { clientFor } from "../options.ts";
import { RowCounter } from "../rowCounter.ts";

type Format = "csv" | "json" | "jsonl" | "xlsx";

interface ItemsOptions {
  format?: Format;
  output?: string;
  fields?: string;
}

function formatFromFile(file: string | undefined): Format | undefined {
  const ext = file?.toLowerCase().match(/\.(csv|json|jsonl|jl|ndjson|xlsx)$/)?.[1];
  if (ext === "jl" || ext === "ndjson") return "jsonl";
  return ext as Format | undefined;
}

async function progressBar(total: number): Promise<{ update(n: number): void; stop(): void }> {
  // Imported only when a bar is shown, to keep the other commands' start-up small.
  const { SingleBar, Presets } = await import("cli-progress");
  const bar = new SingleBar(
    {
      format: "{bar} {percentage}% | {value}/{total} items | {duration_formatted} (eta {eta_formatted})",
      hideCursor: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (n) => bar.update(Math.min(n, total)), stop: () => bar.stop() };
}

export function registerItems(program: Command): void {
  program
    .command("items")
    .description("download a job's items")
    .argument("<key>", "job key PROJECT/SPIDER/NUMBER")
    .addOption(
      new Option("--format <format>", "file format (default: from -o's extension, else jsonl)").choices([
        "csv",
        "json",
        "jsonl",
        "xlsx",
      ]),
    )
    .option("-o, --output <file>", "write to this file instead of stdout")
    .option("--fields <a,b>", "only these fields, in this order")
    .action(async (key: string, opts: ItemsOptions, cmd: Command) => {
      const format = opts.format ?? formatFromFile(opts.output) ?? "jsonl";
      const res = await clientFor(cmd).exportItems(key, { format, fields: opts.fields });
      if (!res.body) throw new Error("the export has no body");
      const total = Number(res.headers.get("x-item-count") ?? NaN);
      const bar =
        opts.output && process.stderr.isTTY && Number.isFinite(total) && total > 0
          ? await progressBar(total)
          : undefined;
      // A workbook is zipped: its rows cannot be counted as they stream, so it goes through as is.
      const counter = format === "xlsx" ? new PassThrough() : new RowCounter(format, bar ? (n) => bar.update(n) : undefined);
      // The file is written under a temporary name and renamed at the end, so an interrupted
      // download never leaves a truncated file that looks complete.
      const tmp = opts.output ? `${opts.output}.part` : undefined;
      const out: Writable = tmp ? fs.createWriteStream(tmp) : process.stdout;
      try {
        const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
        // stdout must stay open after the pipeline (other output, and closing fd 1 is an error).
        if (tmp) await pipeline(source, counter, out);
        else await pipeline(source, counter, out, { end: false });
      } catch (err) {
        if (tmp) await fs.promises.rm(tmp, { force: true });
        throw err;
      } finally {
        bar?.stop();
      }
      if (opts.output && tmp) {
        await fs.promises.rename(tmp, opts.output);
        const rows = counter instanceof RowCounter ? counter.rows : total;
        process.stderr.write(`${rows} items written to ${opts.output}\n`);
      }
    });
}
