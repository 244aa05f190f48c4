// Streams a job's items as an Excel workbook: exceljs's streaming writer commits each row as
// it goes, and the next page is read only once the client has taken the previous one, so
// memory stays flat. Numbers stay numbers; nested values become JSON text; a string cell is
// never a formula in xlsx, so text is written as it is. Past Excel's row limit the items
// continue on a new sheet.

import { once } from "node:events";
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import type { Store } from "../store/database.ts";
import { itemFields } from "../store/jobs.ts";
import { itemPages, type ItemQuery } from "../store/itemQuery.ts";

const PAGE = 500;
const MAX_ROWS_PER_SHEET = 1_048_575; // Excel's 1,048,576 rows, less the header
const MAX_CELL_CHARS = 32_767;

function xlsxCell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "boolean") return value;
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.length > MAX_CELL_CHARS ? text.slice(0, MAX_CELL_CHARS) : text;
}

export async function exportItemsXlsx(store: Store, jobId: number, out: Writable, fields?: string[], query: ItemQuery = { filters: [] }): Promise<number> {
  const columns = fields ?? (await itemFields(store, jobId));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  let sheet = workbook.addWorksheet("items");
  sheet.addRow(columns).commit();
  let rowsInSheet = 0;
  let count = 0;
  for await (const rows of itemPages(store, jobId, query, PAGE)) {
    for (const r of rows) {
      if (rowsInSheet === MAX_ROWS_PER_SHEET) {
        sheet.commit();
        sheet = workbook.addWorksheet(`items ${Math.floor(count / MAX_ROWS_PER_SHEET) + 1}`);
        sheet.addRow(columns).commit();
        rowsInSheet = 0;
      }
      const obj = JSON.parse(r.data) as Record<string, unknown>;
      sheet.addRow(columns.map((c) => xlsxCell(obj[c]))).commit();
      rowsInSheet++;
      count++;
    }
    if (out.writableNeedDrain) await once(out, "drain");
  }
  sheet.commit();
  await workbook.commit();
  return count;
}
