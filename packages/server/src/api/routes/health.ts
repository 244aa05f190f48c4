import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import type { ApiContext } from "../context.ts";

export const VERSION = "0.1.0";

export function healthRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get("/api/health", { schema: { tags: ["health"], summary: "Liveness and database reachability" } }, async (_req, reply) => {
      try {
        await sql`select 1`.execute(ctx.store.db);
        return { status: "ok", version: VERSION, database: ctx.store.dialect };
      } catch {
        return reply.status(503).send({ error: "database_unavailable", message: "The database does not answer" });
      }
    });
  };
}
