// Streams a job's items as an Excel workbook (xlsx: a zip of a few XML parts). The sheet's XML
// is generated a page of items at a time as the zip writer pulls it, and the zip writer pulls
// only as fast as the client reads, so memory stays flat whatever the job's size. (exceljs's
// "streaming" writer held the whole sheet until the end: +100 MB for 100 MB of items.)
// Numbers stay numbers; nested values become JSON text; a string cell is never a formula in
// xlsx, so text is written as it is. Past Excel's row limit the items go on to a new sheet.

import { once } from "node:events";
import { Readable, type Writable } from "node:stream";
import type { Store } from "../store/database.ts";
import { itemFields } from "../store/jobs.ts";
import { itemPages, type ItemQuery } from "../store/itemQuery.ts";
import { drained } from "./drained.ts";

const PAGE = 500;
const MAX_ROWS_PER_SHEET = 1_048_575; // Excel's 1,048,576 rows, less the header
const MAX_CELL_CHARS = 32_767;
const NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

// XML 1.0 cannot carry most control characters at all, even escaped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function escapeXml(text: string): string {
  return text.replace(INVALID_XML, "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function cell(ref: string, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" && Number.isFinite(value)) return `<c r="${ref}"><v>${value}</v></c>`;
  if (typeof value === "boolean") return `<c r="${ref}" t="b"><v>${value ? 1 : 0}</v></c>`;
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (text.length > MAX_CELL_CHARS) text = text.slice(0, MAX_CELL_CHARS);
  return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(text)}</t></is></c>`;
}

function row(number: number, refs: string[], values: unknown[]): string {
  let xml = `<row r="${number}">`;
  for (let i = 0; i < refs.length; i++) xml += cell(`${refs[i]}${number}`, values[i]);
  return `${xml}</row>`;
}

/** The items, one at a time, with a look-ahead to know whether a sheet is the last one. */
class RowSource {
  private buffered: Record<string, unknown>[] = [];
  private done = false;
  constructor(private readonly pages: AsyncIterator<{ data: string }[]>) {}

  async more(): Promise<boolean> {
    while (this.buffered.length === 0 && !this.done) {
      const next = await this.pages.next();
      if (next.done) this.done = true;
      else this.buffered = next.value.map((r) => JSON.parse(r.data) as Record<string, unknown>);
    }
    return this.buffered.length > 0;
  }

  /** Up to `max` of the rows already read. */
  take(max: number): Record<string, unknown>[] {
    return this.buffered.splice(0, max);
  }
}

async function* sheetXml(columns: string[], source: RowSource, counted: (n: number) => void): AsyncGenerator<string> {
  const refs = columns.map((_, i) => columnName(i));
  yield `${XML}<worksheet xmlns="${NS}"><sheetData>${row(1, refs, columns)}`;
  let rows = 0;
  while (rows < MAX_ROWS_PER_SHEET && (await source.more())) {
    const batch = source.take(Math.min(PAGE, MAX_ROWS_PER_SHEET - rows));
    let xml = "";
    for (const item of batch) xml += row(++rows + 1, refs, columns.map((c) => item[c]));
    counted(batch.length);
    yield xml;
  }
  yield "</sheetData></worksheet>";
}

export async function exportItemsXlsx(
  store: Store,
  jobId: number,
  out: Writable,
  fields?: string[],
  query: ItemQuery = { filters: [] },
): Promise<number> {
  const columns = fields ?? (await itemFields(store, jobId));
  const source = new RowSource(itemPages(store, jobId, query, PAGE)[Symbol.asyncIterator]());
  // Loaded on the first workbook: most servers never write one.
  const { default: archiver } = await import("archiver");
  const zip = archiver("zip", { zlib: { level: 6 } });
  const failed = new Promise<never>((_, reject) => zip.once("error", reject));
  zip.pipe(out);
  let count = 0;
  let sheets = 0;
  do {
    sheets++;
    zip.append(Readable.from(sheetXml(columns, source, (n) => (count += n))), { name: `xl/worksheets/sheet${sheets}.xml` });
    // The next sheet is decided once this one is written (whether rows remain).
    await Promise.race([once(zip, "entry"), failed]);
  } while (await source.more());
  const ids = Array.from({ length: sheets }, (_, i) => i + 1);
  zip.append(
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${ids.map((i) => `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("")}</Types>`,
    { name: "[Content_Types].xml" },
  );
  zip.append(`${XML}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`, { name: "_rels/.rels" });
  zip.append(
    `${XML}<workbook xmlns="${NS}" xmlns:r="${REL}"><sheets>${ids.map((i) => `<sheet name="${i === 1 ? "items" : `items ${i}`}" sheetId="${i}" r:id="rId${i}"/>`).join("")}</sheets></workbook>`,
    { name: "xl/workbook.xml" },
  );
  zip.append(
    `${XML}<Relationships xmlns="${PKG_REL}">${ids.map((i) => `<Relationship Id="rId${i}" Type="${REL}/worksheet" Target="worksheets/sheet${i}.xml"/>`).join("")}</Relationships>`,
    { name: "xl/_rels/workbook.xml.rels" },
  );
  await Promise.race([zip.finalize(), failed]);
  if (out.writableNeedDrain) await drained(out);
  return count;
}
