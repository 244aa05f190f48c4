// Job supervision: stop requests other than cancel (pause, project deleted), limits at spider
// and job level, soft-deleted projects, and the per-job metrics time series.

import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types */
export function supervision(_dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable("jobs").addColumn("stop_request", "text").execute();
      await db.schema.alterTable("jobs").addColumn("limits", "text", (c) => c.notNull().defaultTo("{}")).execute();
      await db.schema.alterTable("spiders").addColumn("settings", "text", (c) => c.notNull().defaultTo("{}")).execute();
      await db.schema.alterTable("projects").addColumn("deleted_at", "bigint").execute();
      await db.schema.alterTable("job_runs").addColumn("peak_rss", "bigint").execute();
      await db.schema
        .createTable("job_metrics")
        .addColumn("job_id", "integer", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
        .addColumn("time", "bigint", (c) => c.notNull())
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("cpu_percent", "double precision", (c) => c.notNull())
        .addColumn("rss", "bigint", (c) => c.notNull())
        .addColumn("read_bytes", "bigint", (c) => c.notNull())
        .addColumn("write_bytes", "bigint", (c) => c.notNull())
        .addColumn("processes", "integer", (c) => c.notNull())
        .addColumn("items", "bigint", (c) => c.notNull())
        .addColumn("requests", "bigint", (c) => c.notNull())
        .addColumn("bytes_downloaded", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("job_metrics_pk", ["job_id", "time"])
        .execute();
    },
  };
}
