// Shipped migrations are append-only: never edit or reorder one; add the next file instead.

import { type Kysely, sql } from "kysely";
import type { Dialect } from "../dialect.ts";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types */
export function initial(dialect: Dialect) {
  const id = dialect === "postgres" ? "serial" : "integer";
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("organizations")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("projects")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("organization_id", "integer", (c) => c.notNull().references("organizations.id"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("current_version_id", "integer")
        .addColumn("settings", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("projects_org_name", ["organization_id", "name"])
        .execute();

      await db.schema
        .createTable("versions")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("label", "text", (c) => c.notNull())
        .addColumn("sha256", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("path", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("versions_project").on("versions").columns(["project_id", "id"]).execute();

      await db.schema
        .createTable("spiders")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("next_job_number", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addUniqueConstraint("spiders_project_name", ["project_id", "name"])
        .execute();

      await db.schema
        .createTable("version_spiders")
        .addColumn("version_id", "integer", (c) => c.notNull().references("versions.id").onDelete("cascade"))
        .addColumn("spider_id", "integer", (c) => c.notNull().references("spiders.id").onDelete("cascade"))
        .addColumn("runtime", "text", (c) => c.notNull())
        .addColumn("entry", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("version_spiders_pk", ["version_id", "spider_id"])
        .execute();

      await db.schema
        .createTable("jobs")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("spider_id", "integer", (c) => c.notNull().references("spiders.id").onDelete("cascade"))
        .addColumn("number", "integer", (c) => c.notNull())
        .addColumn("version_id", "integer", (c) => c.notNull().references("versions.id"))
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("outcome", "text")
        .addColumn("priority", "integer", (c) => c.notNull())
        .addColumn("args", "text", (c) => c.notNull())
        .addColumn("settings", "text", (c) => c.notNull())
        .addColumn("tags", "text", (c) => c.notNull())
        .addColumn("queued_at", "bigint", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("started_at", "bigint")
        .addColumn("finished_at", "bigint")
        .addColumn("attempt", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("node_id", "text")
        .addColumn("lease_expires_at", "bigint")
        .addColumn("cancel_requested_at", "bigint")
        .addColumn("pid", "integer")
        .addColumn("exit_code", "integer")
        .addColumn("exit_signal", "text")
        .addColumn("last_activity_at", "bigint")
        .addColumn("items_count", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("requests_count", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("items_dropped", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("log_count", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("log_debug", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("log_info", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("log_warning", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("log_error", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("log_critical", "bigint", (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint("jobs_spider_number", ["spider_id", "number"])
        .execute();
      // The claim reads pending jobs in dispatch order: priority first, then FIFO.
      await db.schema
        .createIndex("jobs_dispatch")
        .on("jobs")
        .expression(sql`state, priority desc, queued_at, id`)
        .execute();
      await db.schema.createIndex("jobs_project").on("jobs").columns(["project_id", "id"]).execute();
      await db.schema.createIndex("jobs_state_lease").on("jobs").columns(["state", "lease_expires_at"]).execute();

      await db.schema
        .createTable("job_tags")
        .addColumn("job_id", "integer", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
        .addColumn("tag", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("job_tags_pk", ["job_id", "tag"])
        .execute();
      await db.schema.createIndex("job_tags_tag").on("job_tags").columns(["tag", "job_id"]).execute();

      await db.schema
        .createTable("job_runs")
        .addColumn("job_id", "integer", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
        .addColumn("attempt", "integer", (c) => c.notNull())
        .addColumn("node_id", "text", (c) => c.notNull())
        .addColumn("pid", "integer")
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("finished_at", "bigint")
        .addColumn("exit_code", "integer")
        .addColumn("exit_signal", "text")
        .addColumn("outcome", "text")
        .addColumn("items", "bigint", (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint("job_runs_pk", ["job_id", "attempt"])
        .execute();

      for (const table of ["log_lines", "items", "requests"]) {
        let t = db.schema
          .createTable(table)
          .addColumn("job_id", "integer", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
          .addColumn("seq", "bigint", (c) => c.notNull())
          .addColumn("attempt", "integer", (c) => c.notNull());
        if (table === "log_lines")
          t = t
            .addColumn("time", "bigint", (c) => c.notNull())
            .addColumn("level", "integer", (c) => c.notNull())
            .addColumn("message", "text", (c) => c.notNull());
        if (table === "items") t = t.addColumn("data", "text", (c) => c.notNull());
        if (table === "requests")
          t = t
            .addColumn("url", "text", (c) => c.notNull())
            .addColumn("method", "text", (c) => c.notNull())
            .addColumn("status", "integer", (c) => c.notNull())
            .addColumn("size", "bigint", (c) => c.notNull())
            .addColumn("duration", "double precision", (c) => c.notNull())
            .addColumn("time", "bigint", (c) => c.notNull())
            .addColumn("parent", "bigint")
            .addColumn("fingerprint", "text");
        await t.addPrimaryKeyConstraint(`${table}_pk`, ["job_id", "seq"]).execute();
      }
      await db.schema.createIndex("log_lines_level").on("log_lines").columns(["job_id", "level", "seq"]).execute();
      await db.schema.createIndex("log_lines_time").on("log_lines").columns(["time"]).execute();

      await db.schema
        .createTable("item_fields")
        .addColumn("job_id", "integer", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("position", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("item_fields_pk", ["job_id", "name"])
        .execute();

      await db.schema
        .createTable("job_stats")
        .addColumn("job_id", "integer", (c) => c.primaryKey().references("jobs.id").onDelete("cascade"))
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("nodes")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("slots", "integer", (c) => c.notNull())
        .addColumn("labels", "text", (c) => c.notNull())
        .addColumn("started_at", "bigint", (c) => c.notNull())
        .addColumn("heartbeat_at", "bigint", (c) => c.notNull())
        .execute();
    },
  };
}
