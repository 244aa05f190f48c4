// Writes one batch of a run's channel output in one transaction. The batch is fenced: the
// job's counters are bumped first, under `attempt = ? AND state = 'running'`; if that matches
// no row the attempt is stale and nothing is written. Sequence numbers come from those
// counters, so a resumed job's items continue after the previous run's.

import { sql, type RawBuilder, type Transaction } from "kysely";
import type { Store } from "./database.ts";
import type { Database, LogLinesTable, RequestsTable } from "./schema.ts";

/** Columns every stored row gets from its batch, not from the spider. */
type RowKey = "job_id" | "seq" | "attempt";

export interface IngestBatch {
  jobId: number;
  attempt: number;
  items: string[];
  logs: Omit<LogLinesTable, RowKey>[];
  requests: Omit<RequestsTable, RowKey>[];
  /** Field names seen for the first time in this run; stored if the job does not know them yet. */
  newFields: string[];
  itemsDropped: number;
  stats: { data: string } | null;
}

export class StaleAttemptError extends Error {
  constructor(jobId: number, attempt: number) {
    super(`Job ${jobId} attempt ${attempt} is no longer current; its writes are refused`);
    this.name = "StaleAttemptError";
  }
}

function levelCounts(logs: IngestBatch["logs"]) {
  const c = { debug: 0, info: 0, warning: 0, error: 0, critical: 0 };
  for (const l of logs) {
    if (l.level >= 50) c.critical++;
    else if (l.level >= 40) c.error++;
    else if (l.level >= 30) c.warning++;
    else if (l.level >= 20) c.info++;
    else c.debug++;
  }
  return c;
}

export function isEmpty(b: IngestBatch): boolean {
  return !b.items.length && !b.logs.length && !b.requests.length && !b.stats && !b.itemsDropped;
}

export async function writeBatch(store: Store, batch: IngestBatch): Promise<void> {
  if (store.sqlite && !store.sqlite.inTransaction) return writeBatchSqlite(store, batch);
  return writeBatchKysely(store, batch);
}

async function writeBatchKysely(store: Store, b: IngestBatch): Promise<void> {
  const c = levelCounts(b.logs);
  await store.db.transaction().execute(async (trx) => {
    const counters = await trx
      .updateTable("jobs")
      .set((eb) => ({
        items_count: eb("items_count", "+", b.items.length),
        requests_count: eb("requests_count", "+", b.requests.length),
        items_dropped: eb("items_dropped", "+", b.itemsDropped),
        log_count: eb("log_count", "+", b.logs.length),
        log_debug: eb("log_debug", "+", c.debug),
        log_info: eb("log_info", "+", c.info),
        log_warning: eb("log_warning", "+", c.warning),
        log_error: eb("log_error", "+", c.error),
        log_critical: eb("log_critical", "+", c.critical),
        last_activity_at: store.now(),
      }))
      .where("id", "=", b.jobId)
      .where("attempt", "=", b.attempt)
      .where("state", "=", "running")
      .returning(["items_count", "requests_count", "log_count"])
      .executeTakeFirst();
    if (!counters) throw new StaleAttemptError(b.jobId, b.attempt);
    if (store.dialect === "postgres") await insertRowsPostgres(trx, b, counters);
    else {
      const items = numbered(b, counters.items_count, b.items.map((data) => ({ data })));
      for (const chunk of chunks(items)) await trx.insertInto("items").values(chunk).execute();
      for (const chunk of chunks(numbered(b, counters.log_count, b.logs))) await trx.insertInto("log_lines").values(chunk).execute();
      for (const chunk of chunks(numbered(b, counters.requests_count, b.requests)))
        await trx.insertInto("requests").values(chunk).execute();
    }
    if (b.newFields.length) {
      const known = await trx
        .selectFrom("item_fields")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("job_id", "=", b.jobId)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("item_fields")
        .values(b.newFields.map((name, k) => ({ job_id: b.jobId, name, position: Number(known.n) + k })))
        .onConflict((oc) => oc.columns(["job_id", "name"]).doNothing())
        .execute();
    }
    if (b.stats)
      await trx
        .insertInto("job_stats")
        .values({ job_id: b.jobId, data: b.stats.data, updated_at: store.now() })
        .onConflict((oc) => oc.column("job_id").doUpdateSet({ data: b.stats!.data, updated_at: sql`excluded.updated_at` }))
        .execute();
  });
}

const UNNEST_ROWS = 1000;

/**
 * A batch's rows, each column sent as one array and unnested by PostgreSQL, 1,000 rows a
 * statement: no object per row or per value on our side (the multi-row INSERT built by Kysely
 * made ~10 objects a value, kept alive for the whole batch's round trips and promoted by V8).
 */
async function insertRowsPostgres(
  trx: Transaction<Database>,
  b: IngestBatch,
  after: { items_count: number; log_count: number; requests_count: number },
): Promise<void> {
  /** Runs `insert` on each slice, with the job, sequence and attempt columns of its first row. */
  const inSlices = async <T>(rows: T[], total: number, insert: (slice: T[], head: RawBuilder<unknown>) => RawBuilder<unknown>) => {
    const base = Number(total) - rows.length;
    for (const [k, slice] of chunks(rows, UNNEST_ROWS).entries()) {
      const head = sql`${b.jobId}::integer, ${base + k * UNNEST_ROWS}::bigint + t.k, ${b.attempt}::integer`;
      await insert(slice, head).execute(trx);
    }
  };
  await inSlices(
    b.items,
    after.items_count,
    (items, head) => sql`insert into items (job_id, seq, attempt, data)
      select ${head}, t.data from unnest(${items}::text[]) with ordinality as t(data, k)`,
  );
  await inSlices(
    b.logs,
    after.log_count,
    (logs, head) => sql`insert into log_lines (job_id, seq, attempt, time, level, message)
      select ${head}, t.time, t.level, t.message
      from unnest(${logs.map((l) => l.time)}::bigint[], ${logs.map((l) => l.level)}::integer[], ${logs.map((l) => l.message)}::text[])
        with ordinality as t(time, level, message, k)`,
  );
  await inSlices(
    b.requests,
    after.requests_count,
    (reqs, head) => sql`insert into requests (job_id, seq, attempt, url, method, status, size, duration, time, parent, fingerprint)
      select ${head}, t.url, t.method, t.status, t.size, t.duration, t.time, t.parent, t.fingerprint
      from unnest(${reqs.map((r) => r.url)}::text[], ${reqs.map((r) => r.method)}::text[], ${reqs.map((r) => r.status)}::integer[],
        ${reqs.map((r) => r.size)}::bigint[], ${reqs.map((r) => r.duration)}::float8[], ${reqs.map((r) => r.time)}::bigint[],
        ${reqs.map((r) => r.parent)}::bigint[], ${reqs.map((r) => r.fingerprint)}::text[])
        with ordinality as t(url, method, status, size, duration, time, parent, fingerprint, k)`,
  );
}

/** Rows with their job, attempt and sequence numbers; `total` is the job's count after this batch. */
function numbered<T extends object>(b: IngestBatch, total: number, rows: T[]) {
  const base = total - rows.length;
  return rows.map((row, k) => ({ job_id: b.jobId, seq: base + k + 1, attempt: b.attempt, ...row }));
}

/** Multi-row inserts in slices, under the limit of bind parameters per statement. */
function chunks<T>(rows: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

type Statements = ReturnType<typeof prepare>;
const prepared = new WeakMap<object, Statements>();

function prepare(db: NonNullable<Store["sqlite"]>) {
  return {
    counters: db.prepare<[number, number, number, number, number, number, number, number, number, number, number]>(
      `update jobs set items_count = items_count + ?, requests_count = requests_count + ?, items_dropped = items_dropped + ?,
         log_count = log_count + ?, log_debug = log_debug + ?, log_info = log_info + ?, log_warning = log_warning + ?,
         log_error = log_error + ?, log_critical = log_critical + ?, last_activity_at = cast(unixepoch('subsec') * 1000 as integer)
       where id = ? and attempt = ? and state = 'running'
       returning items_count, requests_count, log_count`,
    ),
    item: db.prepare("insert into items (job_id, seq, attempt, data) values (?, ?, ?, ?)"),
    log: db.prepare("insert into log_lines (job_id, seq, attempt, time, level, message) values (?, ?, ?, ?, ?, ?)"),
    request: db.prepare(
      `insert into requests (job_id, seq, attempt, url, method, status, size, duration, time, parent, fingerprint)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    fieldCount: db.prepare("select count(*) as n from item_fields where job_id = ?"),
    field: db.prepare("insert into item_fields (job_id, name, position) values (?, ?, ?) on conflict do nothing"),
    stats: db.prepare(
      `insert into job_stats (job_id, data, updated_at) values (?, ?, cast(unixepoch('subsec') * 1000 as integer))
       on conflict (job_id) do update set data = excluded.data, updated_at = excluded.updated_at`,
    ),
  };
}

// SQLite fast path: prepared statements reused across batches, one synchronous transaction.
// It runs only when no Kysely transaction is open on the shared connection (checked by the caller).
function writeBatchSqlite(store: Store, b: IngestBatch): void {
  const db = store.sqlite!;
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepare(db)));
  const st = s;
  const c = levelCounts(b.logs);
  db.transaction(() => {
    const counters = st.counters.get(
      b.items.length,
      b.requests.length,
      b.itemsDropped,
      b.logs.length,
      c.debug,
      c.info,
      c.warning,
      c.error,
      c.critical,
      b.jobId,
      b.attempt,
    ) as { items_count: number; requests_count: number; log_count: number } | undefined;
    if (!counters) throw new StaleAttemptError(b.jobId, b.attempt);
    let seq = counters.items_count - b.items.length;
    for (const data of b.items) st.item.run(b.jobId, ++seq, b.attempt, data);
    seq = counters.log_count - b.logs.length;
    for (const l of b.logs) st.log.run(b.jobId, ++seq, b.attempt, l.time, l.level, l.message);
    seq = counters.requests_count - b.requests.length;
    for (const r of b.requests)
      st.request.run(b.jobId, ++seq, b.attempt, r.url, r.method, r.status, r.size, r.duration, r.time, r.parent, r.fingerprint);
    if (b.newFields.length) {
      const known = (st.fieldCount.get(b.jobId) as { n: number }).n;
      b.newFields.forEach((name, k) => st.field.run(b.jobId, name, known + k));
    }
    if (b.stats) st.stats.run(b.jobId, b.stats.data);
  }).immediate();
}
