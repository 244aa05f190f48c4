// Filter and sort on item fields through the API, on SQLite and PostgreSQL: every operator against a
// reference implementation of the documented semantics, numbers vs text, nested paths, sorted paging
// with no item missing or repeated, and the SQL injection attempts of RELIABILITY B12.

import { afterAll, beforeAll, expect, it } from "vitest";
import { eachDialect, startTestServer, type TestServer } from "./helpers/testServer.ts";
import { itemPages, itemTexts, parseItemQuery } from "../src/store/itemQuery.ts";

const N = 57;
const NAMES = ["Lamp", "lamp shade", "Desk", "desk lamp", "Chair", "Zebra rug", "apple crate"];

function item(i: number): Record<string, unknown> {
  const d: Record<string, unknown> = {
    name: `${NAMES[i % NAMES.length]} ${i}`,
    qty: i,
    code: String(i),
    price: i % 10 === 0 ? String(i) : ((i * 37) % 100) + (i % 3 === 0 ? 0.5 : 0),
    details: { rating: i % 5, tags: i % 2 ? ["red"] : ["blue", "big"] },
    in_stock: i % 4 === 0,
    "a.b": i,
    "my-field": `x${i}`,
  };
  if (i % 13 === 0) delete d.price;
  if (i % 17 === 0) d.price = null;
  return d;
}
const ITEMS = Array.from({ length: N }, (_, k) => item(k + 1));

// ---- the documented semantics, in plain JavaScript ----
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
function get(data: unknown, path: string[]): unknown {
  let v = data;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}
function matches(data: Record<string, unknown>, filter: string): boolean {
  const [field, op, ...rest] = filter.split(":");
  const val = rest.join(":");
  const v = field! in data ? data[field!] : get(data, field!.split("."));
  const eq = () =>
    (typeof v === "string" && v === val) ||
    (NUMBER.test(val) && typeof v === "number" && v === Number(val)) ||
    ((val === "true" || val === "false") && typeof v === "boolean" && String(v) === val);
  const ord = (f: (a: number) => boolean) => {
    if (NUMBER.test(val)) return typeof v === "number" && f(v - Number(val));
    return typeof v === "string" && f(v < val ? -1 : v > val ? 1 : 0);
  };
  switch (op) {
    case "eq": return eq();
    case "ne": return !eq();
    case "gt": return ord((c) => c > 0);
    case "gte": return ord((c) => c >= 0);
    case "lt": return ord((c) => c < 0);
    case "lte": return ord((c) => c <= 0);
    case "contains": {
      const text = typeof v === "string" ? v : typeof v === "number" || (v !== null && typeof v === "object") ? JSON.stringify(v) : undefined;
      return text !== undefined && text.toLowerCase().includes(val.toLowerCase());
    }
    case "exists": return (v !== undefined && v !== null) === (val !== "false");
  }
  throw new Error(op);
}
function sortKey(data: Record<string, unknown>, seq: number, field: string, desc: boolean): [number, number, string, number] {
  const v = field in data ? data[field] : get(data, field.split("."));
  const rank = typeof v === "number" ? 1 : typeof v === "string" ? 2 : v === undefined || v === null ? (desc ? 0 : 4) : 3;
  return [rank, typeof v === "number" ? v : 0, typeof v === "string" ? v : "", seq];
}
function expected(filters: string[], sort?: string): number[] {
  const seqs = ITEMS.map((d, k) => ({ d, seq: k + 1 })).filter(({ d }) => filters.every((f) => matches(d, f)));
  if (!sort) return seqs.map((s) => s.seq);
  const desc = sort.startsWith("-");
  const field = desc ? sort.slice(1) : sort;
  const cmp = (a: (typeof seqs)[number], b: (typeof seqs)[number]) => {
    const ka = sortKey(a.d, a.seq, field, desc);
    const kb = sortKey(b.d, b.seq, field, desc);
    for (let i = 0; i < 4; i++) if (ka[i] !== kb[i]) return (ka[i]! < kb[i]! ? -1 : 1) * (desc ? -1 : 1);
    return 0;
  };
  return seqs.sort(cmp).map((s) => s.seq);
}

type Page = { items: { seq: number; data: Record<string, unknown> }[]; fields: string[]; nextAfter: number | null; nextCursor: string | null };

eachDialect("item filter and sort", (dialect) => {
  let t: TestServer;
  let key = "";
  let otherKey = "";

  beforeAll(async () => {
    t = await startTestServer(dialect, { slots: 0 });
    const { projectId, versionId } = await t.deployFixture("shop");
    const spider = await t.store.db.selectFrom("spiders").select("id").where("project_id", "=", projectId).where("name", "=", "emit").executeTakeFirstOrThrow();
    const addJob = async (number: number, items: Record<string, unknown>[]) => {
      const job = await t.store.db
        .insertInto("jobs")
        .values({
          project_id: projectId, spider_id: spider.id, number, version_id: versionId, state: "finished", outcome: "finished", priority: 2,
          args: "{}", settings: "{}", tags: "[]", queued_at: t.store.now(), created_at: t.store.now(), finished_at: t.store.now(), items_count: items.length,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await t.store.db.insertInto("items").values(items.map((d, k) => ({ job_id: job.id, seq: k + 1, attempt: 1, data: JSON.stringify(d) }))).execute();
      const names = [...new Set(items.flatMap((d) => Object.keys(d)))];
      await t.store.db.insertInto("item_fields").values(names.map((name, position) => ({ job_id: job.id, name, position }))).execute();
      return `${projectId}/${spider.id}/${number}`;
    };
    key = await addJob(900, ITEMS);
    // Another job whose items would match everything: they must never appear.
    otherKey = await addJob(901, [{ name: "OTHER lamp", price: 1, qty: 1, code: "1", details: { rating: 3 } }]);
  });
  afterAll(async () => t?.stop());

  const url = (params: [string, string][], base = "items") => `/api/v1/jobs/${key}/${base}?${new URLSearchParams(params).toString()}`;

  /** Every page of a query; asserts nothing is repeated. */
  async function all(filters: string[], sort?: string, limit = 7): Promise<number[]> {
    const seqs: number[] = [];
    let after: number | null = 0;
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const params: [string, string][] = [["limit", String(limit)], ...filters.map((f): [string, string] => ["filter", f])];
      if (sort) params.push(["sort", sort]);
      if (cursor) params.push(["cursor", cursor]);
      else if (after) params.push(["after", String(after)]);
      const res = await t.api<Page>("GET", url(params));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      for (const it of res.body.items) expect(it.data.name).not.toBe("OTHER lamp");
      seqs.push(...res.body.items.map((i) => i.seq));
      ({ nextAfter: after, nextCursor: cursor } = res.body);
      if (after === null && cursor === null) break;
    }
    expect(new Set(seqs).size).toBe(seqs.length);
    return seqs;
  }

  const CASES: string[][] = [
    ["price:eq:10"], ["price:ne:10"], ["price:gt:50"], ["price:gte:50"], ["price:lt:20"], ["price:lte:20.5"], ["price:gt:-1"],
    ["name:contains:LAMP"], ["name:contains:p 1"], ["price:exists"], ["price:exists:true"], ["price:exists:false"],
    ["name:eq:Desk 2"], ["name:ne:Desk 2"], ["name:gt:Lamp"], ["name:gte:Lamp 7"], ["name:lt:Desk"], ["name:lte:Desk 9"],
    ["in_stock:eq:true"], ["in_stock:ne:true"], ["code:eq:12"], ["qty:eq:12"], ["qty:gte:1e1"], ["qty:lt:2.5"],
    ["details.rating:eq:3"], ["details.rating:gte:3"], ["details.tags:contains:big"], ["details.tags.0:eq:blue"], ["details.missing.deep:exists"],
    ["a.b:gt:40"], ["my-field:eq:x3"], ["price:gt:20", "price:lt:60", "name:contains:lamp"], ["name:eq:' OR 1=1--"],
  ];

  it("reports the job's item fields", async () => {
    const res = await t.api<Page>("GET", url([["limit", "1"]]));
    expect(res.body.fields).toEqual(["name", "qty", "code", "price", "details", "in_stock", "a.b", "my-field"]);
  });

  it("applies every operator as documented, paging on seq", async () => {
    for (const filters of CASES) {
      const want = expected(filters);
      expect(await all(filters), filters.join(" & ")).toEqual(want);
    }
    // Sanity: the cases are not vacuous.
    expect(expected(["price:eq:10"])).toEqual([10]);
    expect(expected(["price:gt:50"]).length).toBeGreaterThan(10);
    expect(expected(["price:eq:10"]).length + expected(["price:ne:10"]).length).toBe(N);
  });

  it("compares numbers as numbers and text as text", async () => {
    // 9 < 10 < 57 as numbers; as text "10" < "9". Strings that look like numbers stay text.
    expect(await all(["qty:gt:9"])).toEqual(Array.from({ length: N - 9 }, (_, k) => k + 10));
    expect(await all(["code:gt:9"])).toEqual([]);
    expect(await all(["code:gt:5a"])).toEqual([6, 7, 8, 9]);
    expect(await all(["price:eq:20"])).toEqual([20]); // the string "20" (eq matches its text)
    expect(await all(["price:gte:99"])).toEqual(expected(["price:gte:99"]));
  });

  it("sorts both directions across pages, nothing missing or repeated", async () => {
    for (const [filters, sort] of [
      [[], "price"], [[], "-price"], [[], "name"], [[], "-name"], [[], "-details.rating"], [[], "in_stock"], [["price:exists"], "-price"],
      [["name:contains:lamp"], "qty"],
    ] as [string[], string][]) {
      const want = expected(filters, sort);
      for (const limit of [5, 1000]) expect(await all(filters, sort, limit), `${filters.join("&")} sort=${sort} limit=${limit}`).toEqual(want);
    }
    // Items without the field (or null) come last in both directions.
    for (const sort of ["price", "-price"]) {
      const tail = (await all([], sort, 1000)).slice(-7);
      expect(tail.map((s) => ITEMS[s - 1]!.price ?? null)).toEqual(Array(7).fill(null));
    }
  });

  it("refuses bad fields, operators, values, sorts and cursors with 400 (B12), and keeps the data", async () => {
    const bad: [string, [string, string][]][] = [
      ["invalid_filter", [["filter", "' OR 1=1--:eq:x"]]],
      ["invalid_filter", [["filter", "$.a') --:eq:1"]]],
      ["invalid_filter", [["filter", "name\") or 1=1 --:eq:1"]]],
      ["invalid_filter", [["filter", "nosuch:eq:1"]]],
      ["invalid_filter", [["filter", "name:like:%"]]],
      ["invalid_filter", [["filter", "name"]]],
      ["invalid_filter", [["filter", "name:eq"]]],
      ["invalid_filter", [["filter", "name:contains:"]]],
      ["invalid_filter", [["filter", "price:exists:maybe"]]],
      ["invalid_sort", [["sort", "id;drop table items"]]],
      ["invalid_sort", [["sort", "-name) --"]]],
      ["invalid_sort", [["sort", "price"], ["after", "3"]]],
      ["invalid_cursor", [["sort", "price"], ["cursor", "' OR 1=1--"]]],
      ["invalid_cursor", [["cursor", "abc"]]],
    ];
    for (const [code, params] of bad) {
      const res = await t.api<{ error: string; message: string }>("GET", url(params));
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body.error).toBe(code);
      expect(res.body.message.length).toBeGreaterThan(5);
    }
    const first = await t.api<Page>("GET", url([["sort", "price"], ["limit", "2"]]));
    const wrong = await t.api<{ error: string }>("GET", url([["sort", "-price"], ["cursor", first.body.nextCursor!]]));
    expect(wrong.body.error).toBe("invalid_cursor");
    expect(await all(["name:eq:$.a') --"])).toEqual([]);
    const count = await t.store.db.selectFrom("items").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(N + 1);
    expect((await t.api<Page>("GET", `/api/v1/jobs/${otherKey}/items`)).body.items).toHaveLength(1);
  });

  it("exports with the same filter and sort", async () => {
    const res = await fetch(t.url + url([["format", "jsonl"], ["filter", "name:contains:lamp"], ["sort", "-price"]], "items/export"));
    expect(res.status).toBe(200);
    const lines = (await res.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual(expected(["name:contains:lamp"], "-price").map((s) => ITEMS[s - 1]));
    const bad = await t.api<{ error: string }>("GET", url([["format", "csv"], ["sort", "id;drop table"]], "items/export"));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("invalid_sort");
  });

  it("pages an export's item texts in order, with the filter and without repeats", async () => {
    const jobId = Number(
      (await t.store.db.selectFrom("jobs").select("id").where("number", "=", 900).executeTakeFirstOrThrow()).id,
    );
    const fields = Object.keys(ITEMS[0]!);
    for (const filters of [[], ["name:contains:lamp"], ["qty:gt:50"], ["name:eq:nothing"]]) {
      for (const pageChars of [100, 1000, 5000, undefined]) {
        const pages: { text: string; count: number }[] = [];
        for await (const page of itemTexts(t.store, jobId, parseItemQuery(filters, undefined, fields), "\n", pageChars)) pages.push(page);
        const want = expected(filters);
        expect(pages.every((p) => p.count > 0)).toBe(true);
        // SQLite joins pages in the database, sized by their text; PostgreSQL pages by rows.
        if (dialect === "sqlite" && pageChars === 1000 && want.length > 20) expect(pages.length).toBeGreaterThan(3);
        expect(pages.reduce((n, p) => n + p.count, 0)).toBe(want.length);
        const got = pages.flatMap((p) => p.text.split("\n")).map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(got, `${filters.join()} in pages of ${pageChars} characters`).toEqual(want.map((s) => ITEMS[s - 1]));
      }
    }
  });

  it("exports filtered JSON, and chosen fields, like the item list", async () => {
    const res = await fetch(t.url + url([["format", "json"], ["filter", "name:contains:lamp"]], "items/export"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(expected(["name:contains:lamp"]).map((s) => ITEMS[s - 1]));
    const picked = await fetch(t.url + url([["format", "jsonl"], ["filter", "qty:lte:3"], ["fields", "qty,price"]], "items/export"));
    const lines = (await picked.text()).trimEnd().split("\n").map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([{ qty: 1, price: 37 }, { qty: 2, price: 74 }, { qty: 3, price: 11.5 }]);
  });

  it("pages a sorted export in order across many pages, while the job's tables take writes", async () => {
    const job = await t.store.db.selectFrom("jobs").select("id").where("number", "=", 900).executeTakeFirstOrThrow();
    const fields = Object.keys(ITEMS[0]!);
    for (const [filters, sort] of [[[], "price"], [["name:contains:lamp"], "-price"], [[], "-details.rating"], [["qty:gt:10"], "name"]] as const) {
      const seqs: number[] = [];
      for await (const rows of itemPages(t.store, Number(job.id), parseItemQuery([...filters], sort, fields), 7)) {
        expect(rows.length).toBeLessThanOrEqual(7);
        seqs.push(...rows.map((r) => Number(r.seq)));
        // A write to the same store while the export is between pages (the worker keeps writing).
        await t.store.db.updateTable("jobs").set({ last_activity_at: t.store.now() }).where("id", "=", Number(job.id)).execute();
      }
      expect(seqs, `${filters.join()} by ${sort}`).toEqual(expected([...filters], sort));
    }
  });
});

