// A job's resource and progress series, and the figures derived from it and its requests.

import { sql } from "kysely";
import type { Store } from "./database.ts";

export async function metricsSeries(store: Store, jobId: number, limit = 5000) {
  return store.db
    .selectFrom("job_metrics")
    .selectAll()
    .where("job_id", "=", jobId)
    .orderBy("time")
    .limit(limit)
    .execute();
}

export async function requestFigures(store: Store, jobId: number) {
  const agg = await store.db
    .selectFrom("requests")
    .select((eb) => [
      eb.fn.countAll<number>().as("total"),
      eb.fn.sum<number>(sql`case when status >= 200 and status < 400 then 1 else 0 end`).as("ok"),
      eb.fn.avg<number>("duration").as("mean"),
      eb.fn.sum<number>("size").as("bytes"),
      eb.fn.min<number>("time").as("first"),
      eb.fn.max<number>("time").as("last"),
    ])
    .where("job_id", "=", jobId)
    .executeTakeFirstOrThrow();
  const total = Number(agg.total);
  // p95 without percentile functions (SQLite has none): the value at the 95th position.
  const p95 =
    total > 0
      ? await store.db
          .selectFrom("requests")
          .select("duration")
          .where("job_id", "=", jobId)
          .orderBy("duration")
          .limit(1)
          .offset(Math.min(total - 1, Math.floor(total * 0.95)))
          .executeTakeFirst()
      : undefined;
  const statuses = await store.db
    .selectFrom("requests")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("job_id", "=", jobId)
    .groupBy("status")
    .orderBy("status")
    .execute();
  return {
    total,
    successRate: total ? Number(agg.ok) / total : null,
    meanResponseMs: agg.mean === null ? null : Number(agg.mean),
    p95ResponseMs: p95 ? Number(p95.duration) : null,
    bytes: Number(agg.bytes ?? 0),
    statuses: Object.fromEntries(statuses.map((s) => [String(s.status), Number(s.n)])),
  };
}
