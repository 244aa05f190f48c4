// Project webhooks: a JSON POST for each job outcome that matches the webhook's rule, and the
// log of those deliveries. Destinations are checked against the SSRF guard (alerts/destination).

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { ApiContext } from "../context.ts";
import { Limit, ProjectParams } from "../schemas.ts";
import { getProject } from "../../store/projects.ts";
import { checkWebhookUrl } from "../../alerts/destination.ts";
import { checkRule } from "../../alerts/rules.ts";
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks } from "../../alerts/webhookStore.ts";

const Outcomes = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 50 });

const CreateBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    rule: Type.Optional(
      Type.Object(
        { outcomes: Type.Optional(Outcomes), notOutcomes: Type.Optional(Outcomes) },
        { additionalProperties: false, description: 'e.g. { "outcomes": ["failed"] } or { "notOutcomes": ["finished"] }; {} matches every outcome' },
      ),
    ),
    secret: Type.Optional(Type.String({ minLength: 8, maxLength: 200, description: "signs each body: x-trawler-signature: sha256=HMAC" })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export function webhookRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      "/api/v1/projects/:project/webhooks",
      { schema: { tags: ["webhooks"], summary: "Add a webhook for job outcomes", params: ProjectParams, body: CreateBody } },
      async (req, reply) => {
        const project = await getProject(ctx.store, req.params.project);
        const url = await checkWebhookUrl(req.body.url, ctx.config.allowPrivateWebhooks);
        const hook = await createWebhook(ctx.store, {
          projectId: project.id,
          url: url.href,
          rule: checkRule(req.body.rule ?? {}),
          secret: req.body.secret ?? null,
        });
        return reply.status(201).send(hook);
      },
    );

    app.get("/api/v1/projects/:project/webhooks", { schema: { tags: ["webhooks"], params: ProjectParams } }, async (req) => {
      const project = await getProject(ctx.store, req.params.project);
      return { webhooks: await listWebhooks(ctx.store, project.id) };
    });

    app.delete("/api/v1/webhooks/:id", { schema: { tags: ["webhooks"], params: IdParams } }, async (req, reply) => {
      await deleteWebhook(ctx.store, req.params.id);
      return reply.status(204).send();
    });

    app.get(
      "/api/v1/webhooks/:id/deliveries",
      {
        schema: {
          tags: ["webhooks"],
          summary: "The delivery log, newest first",
          params: IdParams,
          querystring: Type.Object({ limit: Limit(500, 50), cursor: Type.Optional(Type.String({ maxLength: 20 })) }),
        },
      },
      async (req) => {
        await getWebhook(ctx.store, req.params.id);
        return listDeliveries(ctx.store, req.params.id, req.query.limit ?? 50, req.query.cursor);
      },
    );
  };
}
