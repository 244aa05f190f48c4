// Filter and sort a job's items on their JSON fields, on SQLite and PostgreSQL (docs/api.md, "Filter
// and sort items"). Field names are checked against the job's item fields or a strict nested-path
// pattern and only ever reach SQL as a bound JSON path; values are always bound too (RELIABILITY B12).
//
// Paging: filters alone keep keyset paging on `seq`, so a page stops scanning once it has `limit`
// matches. A sort pages by keyset on (type rank, number, text, seq) after the row named by an opaque
// cursor: each page scans the whole job once (a top-N sort, memory bounded by `limit`).

import BetterSqlite3 from "better-sqlite3";
import { sql, type RawBuilder, type SqlBool } from "kysely";
import type { Store } from "./database.ts";
import type { Dialect } from "./dialect.ts";
import { badRequest } from "../errors.ts";

export const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "exists"] as const;
export type Operator = (typeof OPERATORS)[number];

export interface ItemFilter {
  path: string[];
  op: Operator;
  value: string;
}
export interface ItemSort {
  /** As given (`price`, `-details.rating`): a cursor is only valid for the sort that made it. */
  spec: string;
  path: string[];
  desc: boolean;
}
export interface ItemQuery {
  filters: ItemFilter[];
  sort?: ItemSort | undefined;
}
type ItemRow = { seq: number; data: string };
export interface ItemPage {
  rows: ItemRow[];
  nextAfter: number | null;
  nextCursor: string | null;
}

const MAX_FILTERS = 20;
const MAX_VALUE = 1000;
const MAX_DEPTH = 16;
const NESTED = /^[A-Za-z0-9_-]{1,100}(\.[A-Za-z0-9_-]{1,100})+$/;
// Quotes and backslashes would need escaping inside a SQLite JSON path; refuse rather than escape.
const UNSAFE = /["\\\u0000-\u001f\u007f]/;
const NUMBER = /^-?(0|[1-9]\d{0,30})(\.\d{1,30})?([eE][+-]?\d{1,3})?$/;

/** A field name (a known item field, or a dotted path into one) as the list of JSON keys it names. */
export function resolveField(name: string, known: readonly string[], code: "invalid_filter" | "invalid_sort"): string[] {
  const shown = JSON.stringify(name.slice(0, 100));
  if (!name) throw badRequest(code, "a field name is required");
  if (UNSAFE.test(name)) throw badRequest(code, `field ${shown}: names with quotes, backslashes or control characters cannot be used`);
  if (known.includes(name)) return [name];
  if (NESTED.test(name)) {
    const path = name.split(".");
    if (path.length <= MAX_DEPTH && known.includes(path[0]!)) return path;
  }
  const list = known.slice(0, 30).map((f) => JSON.stringify(f)).join(", ");
  throw badRequest(
    code,
    `unknown field ${shown}: use one of the job's item fields (${list || "none yet"}) or a nested path like field.key.0 (letters, digits, _ and -)`,
  );
}

/** `field:op` or `field:op:value` (the value may itself contain colons), repeated and ANDed. */
export function parseFilter(text: string, known: readonly string[]): ItemFilter {
  const a = text.indexOf(":");
  const b = a < 0 ? -1 : text.indexOf(":", a + 1);
  if (a < 0) throw badRequest("invalid_filter", `filter ${JSON.stringify(text.slice(0, 100))} must be field:operator:value`);
  const field = text.slice(0, a);
  const op = b < 0 ? text.slice(a + 1) : text.slice(a + 1, b);
  const value = b < 0 ? "" : text.slice(b + 1);
  const path = resolveField(field, known, "invalid_filter");
  if (!(OPERATORS as readonly string[]).includes(op))
    throw badRequest("invalid_filter", `operator ${JSON.stringify(op.slice(0, 20))} must be one of ${OPERATORS.join(", ")}`);
  if (value.length > MAX_VALUE) throw badRequest("invalid_filter", `filter values are at most ${MAX_VALUE} characters`);
  if (op === "exists" && !["", "true", "false"].includes(value))
    throw badRequest("invalid_filter", "exists takes no value, or true / false");
  if (op !== "exists" && b < 0) throw badRequest("invalid_filter", `${field}:${op} needs a value: ${field}:${op}:VALUE`);
  if (op === "contains" && !value) throw badRequest("invalid_filter", "contains needs a non-empty value");
  return { path, op: op as Operator, value };
}

export function parseSort(text: string, known: readonly string[]): ItemSort {
  const desc = text.startsWith("-");
  const field = desc ? text.slice(1) : text;
  return { spec: text, path: resolveField(field, known, "invalid_sort"), desc };
}

export function parseItemQuery(filters: string[] | undefined, sort: string | undefined, known: readonly string[]): ItemQuery {
  const list = filters ?? [];
  if (list.length > MAX_FILTERS) throw badRequest("invalid_filter", `at most ${MAX_FILTERS} filters`);
  return { filters: list.map((f) => parseFilter(f, known)), sort: sort ? parseSort(sort, known) : undefined };
}

/** Typed views of one JSON path in `data`; the path is always a bound parameter. */
function jsonAt(d: Dialect, path: string[]) {
  if (d === "sqlite") {
    const p = "$" + path.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `."${k}"`)).join("");
    const type = sql<string | null>`json_type(data, ${p})`;
    const raw = sql`json_extract(data, ${p})`;
    return {
      type,
      isNum: sql<SqlBool>`${type} in ('integer', 'real')`,
      isStr: sql<SqlBool>`${type} = 'text'`,
      num: sql`(case when ${type} in ('integer', 'real') then ${raw} end)`,
      str: sql`(case when ${type} = 'text' then ${raw} end)`,
      // Strings, numbers and nested values (as JSON text): what `contains` searches.
      text: sql`(case when ${type} in ('text', 'integer', 'real', 'array', 'object') then ${raw} end)`,
      isBool: (b: boolean) => sql<SqlBool>`${type} = ${b ? "true" : "false"}`,
      numParam: (v: string) => sql`${Number(v)}`,
      strParam: (v: string) => sql`${v}`,
    };
  }
  // `j` is the row's data parsed once (see JSONB below), not once per expression.
  const type = sql<string | null>`jsonb_typeof(j #> ${path}::text[])`;
  const raw = sql`(j #>> ${path}::text[])`;
  return {
    type,
    isNum: sql<SqlBool>`${type} = 'number'`,
    isStr: sql<SqlBool>`${type} = 'string'`,
    // CASE guarantees the cast only sees numbers (an AND would not); "C" orders text by code point like SQLite.
    num: sql`(case when ${type} = 'number' then ${raw}::numeric end)`,
    str: sql`(case when ${type} = 'string' then ${raw} end) collate "C"`,
    text: sql`(case when ${type} in ('string', 'number', 'array', 'object') then ${raw} end)`,
    isBool: (b: boolean) => sql<SqlBool>`(j #> ${path}::text[]) = ${b ? "true" : "false"}::jsonb`,
    numParam: (v: string) => sql`${v}::numeric`,
    strParam: (v: string) => sql`${v}::text collate "C"`,
  };
}

// PostgreSQL: parse `data` (text) to jsonb once per row. OFFSET 0 keeps the planner from inlining the
// subquery, which would repeat the parse in every expression (several times slower on big jobs).
const JSONB = sql`(select items.data::jsonb as j offset 0)`;

const COMPARE = { eq: "=", gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

/** Never NULL, so `ne` is exactly the items `eq` does not match (missing fields included). */
function filterSql(d: Dialect, f: ItemFilter): RawBuilder<SqlBool> {
  const j = jsonAt(d, f.path);
  const v = f.value;
  const never = (e: RawBuilder<unknown>) => sql<SqlBool>`coalesce(${e}, false)`;
  switch (f.op) {
    case "exists":
      return f.value === "false" ? sql<SqlBool>`not ${never(sql`${j.type} <> 'null'`)}` : never(sql`${j.type} <> 'null'`);
    case "contains":
      return d === "sqlite"
        ? never(sql`instr(lower(${j.text}), lower(${v})) > 0`)
        : never(sql`strpos(lower(${j.text}), lower(${v}::text)) > 0`);
    case "ne":
      return sql<SqlBool>`not ${filterSql(d, { ...f, op: "eq" })}`;
    default: {
      const op = sql.raw(COMPARE[f.op]);
      if (f.op === "eq") {
        // 10 matches the number 10 and the string "10"; true matches true and "true".
        const parts = [never(sql`${j.str} = ${j.strParam(v)}`)];
        if (NUMBER.test(v)) parts.push(never(sql`${j.num} = ${j.numParam(v)}`));
        if (v === "true" || v === "false") parts.push(never(j.isBool(v === "true")));
        return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
      }
      // Ordering: a numeric value compares with numbers, any other value with strings.
      return NUMBER.test(v) ? never(sql`${j.num} ${op} ${j.numParam(v)}`) : never(sql`${j.str} ${op} ${j.strParam(v)}`);
    }
  }
}

/** The sort key: numbers, then strings, then other values (booleans, arrays, objects); missing or null last either way. */
function sortKey(d: Dialect, s: ItemSort) {
  const j = jsonAt(d, s.path);
  const missing = sql.lit(s.desc ? 0 : 4);
  return [
    sql`(case when ${j.isNum} then 1 when ${j.isStr} then 2 when coalesce(${j.type} <> 'null', false) then 3 else ${missing} end)`,
    sql`coalesce(${j.num}, 0)`,
    d === "sqlite" ? sql`coalesce(${j.str}, '')` : sql`coalesce(${j.str}, '' collate "C")`,
    sql`seq`,
  ];
}

function encodeCursor(sort: ItemSort, seq: number): string {
  return Buffer.from(JSON.stringify({ s: sort.spec, q: seq })).toString("base64url");
}

function decodeCursor(cursor: string, sort: ItemSort): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const c = parsed as { s?: unknown; q?: unknown } | undefined;
  if (!c || c.s !== sort.spec || !Number.isSafeInteger(c.q) || (c.q as number) < 1)
    throw badRequest("invalid_cursor", "cursor must be the nextCursor of a previous page with the same sort");
  return c.q as number;
}

/** The job's items that pass every filter, as `seq` and `data`; `sorted` when a sort key reads the JSON too. */
function matching(store: Store, jobId: number, filters: ItemFilter[], sorted = false) {
  const d = store.dialect;
  const base = store.db.selectFrom("items").select(["items.seq", "items.data"]).where("items.job_id", "=", jobId);
  // Parsing every row to jsonb costs PostgreSQL more than reading it: only when something reads it.
  const parse = d === "postgres" && (filters.length > 0 || sorted);
  let query = parse ? (base.crossJoinLateral(JSONB.as("x")) as unknown as typeof base) : base;
  for (const f of filters) query = query.where(filterSql(d, f));
  return query;
}

export async function queryItems(
  store: Store,
  jobId: number,
  q: ItemQuery,
  page: { after?: number | undefined; cursor?: string | undefined; limit: number },
): Promise<ItemPage> {
  const d = store.dialect;
  const { sort } = q;
  let query = matching(store, jobId, q.filters, sort !== undefined);
  if (!sort) {
    if (page.cursor !== undefined) throw badRequest("invalid_cursor", "cursor pages a sorted list; without sort, page with after");
    const rows = await query.where("items.seq", ">", page.after ?? 0).orderBy("items.seq").limit(page.limit).execute();
    const last = rows[rows.length - 1];
    return { rows: rows.map(num), nextAfter: rows.length === page.limit && last ? Number(last.seq) : null, nextCursor: null };
  }
  if (page.after) throw badRequest("invalid_sort", "a sorted list is paged with cursor=nextCursor, not after");
  const key = sortKey(d, sort);
  if (page.cursor !== undefined) {
    const seq = decodeCursor(page.cursor, sort);
    // The previous page's last row gives the key to continue after; items never change once written.
    const lateral = d === "postgres" ? sql` cross join lateral ${JSONB} as x` : sql``;
    const from = sql`(select ${sql.join(key)} from items${lateral} where job_id = ${jobId} and seq = ${seq})`;
    query = query.where(sql<SqlBool>`(${sql.join(key)}) ${sql.raw(sort.desc ? "<" : ">")} ${from}`);
  }
  for (const k of key) query = query.orderBy(k, sort.desc ? "desc" : "asc");
  const rows = await query.limit(page.limit).execute();
  const last = rows[rows.length - 1];
  return { rows: rows.map(num), nextAfter: null, nextCursor: rows.length === page.limit && last ? encodeCursor(sort, Number(last.seq)) : null };
}

const num = (r: ItemRow) => ({ seq: Number(r.seq), data: r.data });

/** Every matching item, a page at a time in memory (for exports). */
export async function* itemPages(store: Store, jobId: number, q: ItemQuery, pageSize: number): AsyncGenerator<ItemPage["rows"]> {
  if (q.sort) {
    yield* store.sqlite ? sortedPagesSqlite(store, jobId, q, q.sort, pageSize) : sortedPagesPostgres(store, jobId, q, q.sort, pageSize);
    return;
  }
  let after: number | undefined;
  let cursor: string | undefined;
  for (;;) {
    const page = await queryItems(store, jobId, q, { after, cursor, limit: pageSize });
    if (page.rows.length) yield page.rows;
    if (page.nextAfter === null && page.nextCursor === null) return;
    after = page.nextAfter ?? undefined;
    cursor = page.nextCursor ?? undefined;
  }
}

function sorted(store: Store, jobId: number, q: ItemQuery, sort: ItemSort) {
  let query = matching(store, jobId, q.filters, true);
  for (const k of sortKey(store.dialect, sort)) query = query.orderBy(k, sort.desc ? "desc" : "asc");
  return query;
}

/**
 * Sorted exports run one ordered query, so the job is sorted once instead of once a page (a
 * cursor page re-sorts every item: a 1M-item sorted export took tens of minutes). On SQLite
 * it streams from a read-only connection of its own, because better-sqlite3 refuses writes on
 * a connection while one of its statements is being iterated, and the worker keeps writing.
 */
async function* sortedPagesSqlite(store: Store, jobId: number, q: ItemQuery, sort: ItemSort, pageSize: number) {
  const compiled = sorted(store, jobId, q, sort).compile();
  const reader = new BetterSqlite3(store.sqlite!.name, { readonly: true, fileMustExist: true });
  try {
    reader.pragma("busy_timeout = 5000");
    yield* inPages(reader.prepare<unknown[], ItemRow>(compiled.sql).iterate(...compiled.parameters), pageSize);
  } finally {
    reader.close();
  }
}

/** On PostgreSQL through a server-side cursor (pg-cursor), on a pooled connection of its own. */
function sortedPagesPostgres(store: Store, jobId: number, q: ItemQuery, sort: ItemSort, pageSize: number) {
  return inPages(sorted(store, jobId, q, sort).stream(pageSize), pageSize);
}

/** Rows read one at a time, handed on `size` at a time. */
async function* inPages(rows: Iterable<ItemRow> | AsyncIterable<ItemRow>, size: number): AsyncGenerator<ItemRow[]> {
  let page: ItemRow[] = [];
  for await (const row of rows) {
    page.push(row);
    if (page.length === size) {
      yield page;
      page = [];
    }
  }
  if (page.length) yield page;
}

export interface ItemText {
  /** The page's stored item texts in order, joined by the separator. */
  text: string;
  count: number;
}

// V8 allocates a string past 128 KiB as a large object, which costs a mapping of its own and
// is only freed by a full collection once it has outlived a scavenge.
const TEXT_PAGE_CHARS = 96 * 1024;
const TEXT_PAGE_ROWS = 2000;

/**
 * Every matching item, a page at a time, each page as one text with its stored items joined by
 * `separator` (JSON exports). Unsorted pages on SQLite are joined by the database: one string
 * a page instead of a row object and a string per item, which is most of an export's garbage.
 * Those pages are sized from the previous one to stay under TEXT_PAGE_CHARS.
 */
export async function* itemTexts(
  store: Store,
  jobId: number,
  q: ItemQuery,
  separator: string,
  pageChars = TEXT_PAGE_CHARS,
): AsyncGenerator<ItemText> {
  // On PostgreSQL, string_agg pages cost more round trips and server time than they save:
  // pages of 2,000 rows joined here were faster (1.05 against 1.39 × raw) for the same memory.
  if (q.sort || store.dialect === "postgres") {
    for await (const rows of itemPages(store, jobId, q, q.sort ? 500 : 2000))
      yield { text: rows.map((r) => r.data).join(separator), count: rows.length };
    return;
  }
  const joined =
    store.dialect === "sqlite"
      ? sql<string | null>`group_concat(p.data, ${separator} order by p.seq)`
      : sql<string | null>`string_agg(p.data, ${separator} order by p.seq)`;
  let after = 0;
  // About 1 KB an item until the first page tells.
  let pageSize = Math.max(1, Math.min(100, Math.floor(pageChars / 1024)));
  for (;;) {
    const page = matching(store, jobId, q.filters).where("items.seq", ">", after).orderBy("items.seq").limit(pageSize);
    const row = await store.db
      .selectFrom(page.as("p"))
      .select([sql<number | string | null>`max(p.seq)`.as("last"), sql<number | string>`count(*)`.as("count"), joined.as("text")])
      .executeTakeFirstOrThrow();
    const count = Number(row.count);
    if (count === 0 || row.text === null) return;
    yield { text: row.text, count };
    if (count < pageSize) return;
    after = Number(row.last);
    pageSize = Math.max(1, Math.min(TEXT_PAGE_ROWS, Math.floor((pageChars * count) / row.text.length)));
  }
}
