// Cron schedules, project webhooks and the webhook delivery outbox. Shipped migrations are
// append-only: never edit this file once released; add the next one instead.

import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types */
export function schedulesAlerts(dialect: Dialect) {
  const id = dialect === "postgres" ? "serial" : "integer";
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable("schedules")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("spider_id", "integer", (c) => c.notNull().references("spiders.id").onDelete("cascade"))
        .addColumn("cron", "text", (c) => c.notNull())
        .addColumn("timezone", "text", (c) => c.notNull())
        .addColumn("args", "text", (c) => c.notNull())
        .addColumn("settings", "text", (c) => c.notNull())
        .addColumn("priority", "integer", (c) => c.notNull())
        .addColumn("tags", "text", (c) => c.notNull())
        .addColumn("enabled", "integer", (c) => c.notNull())
        .addColumn("overlap", "text", (c) => c.notNull())
        .addColumn("misfire", "text", (c) => c.notNull())
        // The persisted firing state: the next slot (database time) and what the last fire did.
        // Null next_fire_at means disabled (or an expression with no future slot).
        .addColumn("next_fire_at", "bigint")
        .addColumn("last_fire_at", "bigint")
        .addColumn("last_job_id", "integer")
        .addColumn("last_error", "text")
        .addColumn("fired", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("catch_ups", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("skipped_overlap", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("skipped_misfire", "bigint", (c) => c.notNull().defaultTo(0))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      // The firing loop asks "which enabled schedules are due" every second.
      await db.schema.createIndex("schedules_due").on("schedules").columns(["enabled", "next_fire_at"]).execute();
      await db.schema.createIndex("schedules_project").on("schedules").columns(["project_id", "id"]).execute();

      await db.schema
        .createTable("webhooks")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id").onDelete("cascade"))
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("rule", "text", (c) => c.notNull())
        .addColumn("secret", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("webhooks_project").on("webhooks").columns(["project_id", "id"]).execute();

      await db.schema
        .createTable("webhook_deliveries")
        .addColumn("id", id, (c) => c.primaryKey())
        .addColumn("webhook_id", "integer", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
        .addColumn("job_id", "integer", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
        .addColumn("event", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        // When the next attempt is due; while an attempt is in flight, when its lease runs out.
        .addColumn("next_attempt_at", "bigint")
        .addColumn("last_status", "integer")
        .addColumn("last_error", "text")
        .addColumn("log", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("delivered_at", "bigint")
        .execute();
      await db.schema
        .createIndex("webhook_deliveries_due")
        .on("webhook_deliveries")
        .columns(["state", "next_attempt_at"])
        .execute();
      await db.schema
        .createIndex("webhook_deliveries_webhook")
        .on("webhook_deliveries")
        .columns(["webhook_id", "id"])
        .execute();
      await db.schema.createIndex("webhook_deliveries_job").on("webhook_deliveries").columns(["job_id"]).execute();
    },
  };
}
