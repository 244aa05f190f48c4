import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ApiContext } from "../context.ts";
import { iso } from "../presenters.ts";

export function nodeRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get("/api/v1/nodes", { schema: { tags: ["nodes"], summary: "Workers: slots used and free, last heartbeat" } }, async () => {
      const now = Number((await ctx.store.db.selectNoFrom(ctx.store.now().as("now")).executeTakeFirstOrThrow()).now);
      const rows = await ctx.store.db
        .selectFrom("nodes as n")
        .select((eb) => [
          "n.id",
          "n.name",
          "n.slots",
          "n.labels",
          "n.started_at",
          "n.heartbeat_at",
          eb
            .selectFrom("jobs")
            .whereRef("jobs.node_id", "=", "n.id")
            .where("jobs.state", "=", "running")
            .select((e) => e.fn.countAll<number>().as("c"))
            .as("running"),
        ])
        .orderBy("n.heartbeat_at", "desc")
        .limit(500)
        .execute();
      return {
        nodes: rows.map((n) => {
          const running = Number(n.running ?? 0);
          const age = now - Number(n.heartbeat_at);
          return {
            id: n.id,
            name: n.name,
            slots: n.slots,
            running,
            free: Math.max(0, n.slots - running),
            labels: JSON.parse(n.labels) as string[],
            startedAt: iso(n.started_at),
            heartbeatAt: iso(n.heartbeat_at),
            // Online while its leases would still be valid.
            online: age <= ctx.config.leaseTtlMs,
          };
        }),
      };
    });
  };
}
