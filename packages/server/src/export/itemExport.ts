// Streams a job's items as CSV, JSON or JSON lines, a page at a time with keyset reads, so
// memory stays constant whatever the job's size. CSV columns are the union of item fields in
// first-seen order; cells that a spreadsheet would run as a formula are neutralised.

import type { Writable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import type { Store } from "../store/database.ts";
import { itemFields } from "../store/jobs.ts";
import { itemPages, itemTexts, type ItemQuery } from "../store/itemQuery.ts";
import { exportItemsXlsx } from "./xlsxExport.ts";
import { drained } from "./drained.ts";

export type ExportFormat = "csv" | "json" | "jsonl" | "xlsx";

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

// Pages of items that are parsed (CSV, chosen fields); whole JSON items come in pages sized by
// their text (store/itemQuery.ts, itemTexts). Small, because a page's rows and parsed items are
// allocated together: with 500 a scavenge often found V8's newest pages mostly alive and moved
// them whole to old space (~0.8 MB each time), and a 1M-item CSV export peaked 70 MB higher.
const PARSED_PAGE = 100;
// Enough for the next page to be read while this one is sent. More would keep pages queued
// behind a slow client long enough for V8 to promote them: with 1 MiB, a slow download made
// the server's old space grow by ~1 MB a scavenge.
const MAX_QUEUED_BYTES = 64 * 1024;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell value as text: nested values as JSON, formula-like text prefixed with `'`. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function pick(obj: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in obj) out[f] = obj[f];
  return out;
}

export async function exportItems(
  store: Store,
  jobId: number,
  format: ExportFormat,
  out: Writable,
  fields?: string[],
  query: ItemQuery = { filters: [] },
): Promise<number> {
  if (format === "xlsx") return exportItemsXlsx(store, jobId, out, fields, query);
  const columns = format === "csv" ? (fields ?? (await itemFields(store, jobId))) : undefined;
  let count = 0;
  const write = async (text: string) => {
    out.write(text);
    if (out.writableLength > MAX_QUEUED_BYTES) await drained(out);
  };
  // SQLite reads resolve at once, so without a turn of the event loop between pages an export
  // would hold the whole server, and V8's scheduled GC work, until its last item.
  const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));
  if (format === "csv") await write(stringify([columns!.map(csvCell)]));
  if (format === "json") await write("[");
  // Filters and sorts are the items list's own SQL (store/itemQuery.ts).
  if (format !== "csv" && !fields) {
    // Whole items as JSON: the stored texts, never parsed (on SQLite joined by the database).
    for await (const page of itemTexts(store, jobId, query, format === "json" ? ",\n" : "\n")) {
      if (format === "json") await write(count === 0 ? "\n" : ",\n");
      await write(page.text);
      if (format === "jsonl") await write("\n");
      count += page.count;
      await breathe();
    }
  } else {
    for await (const rows of itemPages(store, jobId, query, PARSED_PAGE)) {
      const items = rows.map((r) => JSON.parse(r.data) as Record<string, unknown>);
      if (format === "csv") {
        await write(stringify(items.map((obj) => columns!.map((c) => csvCell(obj[c])))));
      } else {
        const lines = items.map((obj) => JSON.stringify(pick(obj, fields!)));
        await write(format === "jsonl" ? lines.join("\n") + "\n" : (count === 0 ? "\n" : ",\n") + lines.join(",\n"));
      }
      count += rows.length;
      await breathe();
    }
  }
  if (format === "json") await write(count === 0 ? "]\n" : "\n]\n");
  return count;
}
