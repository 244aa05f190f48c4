// The HTTP application: API routes, OpenAPI document and page, error shape.

import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { Ajv } from "ajv";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { ApiContext } from "./context.ts";
import { installErrorHandling } from "./errors.ts";
import { healthRoutes, VERSION } from "./routes/health.ts";
import { projectRoutes } from "./routes/projects.ts";
import { versionRoutes } from "./routes/versions.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { jobDataRoutes } from "./routes/jobData.ts";
import { jobControlRoutes } from "./routes/jobControl.ts";
import { jobMetricsRoutes } from "./routes/jobMetrics.ts";
import { scheduleRoutes } from "./routes/schedules.ts";
import { webhookRoutes } from "./routes/webhooks.ts";
import { registerWeb } from "./web.ts";
import { nodeRoutes } from "./routes/nodes.ts";

export async function buildApp(ctx: ApiContext, logger: FastifyBaseLogger): Promise<FastifyInstance> {
  const app = Fastify({
    // Per-request lines only at debug level; errors are logged by the error handler.
    loggerInstance: ["debug", "trace"].includes(logger.level) ? logger : logger.child({}, { level: "warn" }),
    bodyLimit: 1024 * 1024,
    // Slow or trickling clients are cut off instead of holding sockets forever.
    requestTimeout: 120_000,
    connectionTimeout: 0,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Query strings and paths are text, so they are coerced; JSON bodies are checked as sent
  // (a `null` or `"5"` priority is an error, not a silent 0 or 5).
  const coercing = new Ajv({ coerceTypes: "array", useDefaults: true, removeAdditional: false, strict: false });
  const strict = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === "body" ? strict : coercing).compile(schema));
  installErrorHandling(app);
  // The API speaks JSON (and archives on the upload route): anything else is a 415.
  app.removeContentTypeParser("text/plain");
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.header("x-content-type-options", "nosniff");
    return payload;
  });
  await app.register(swagger, {
    openapi: {
      info: { title: "Trawler API", version: VERSION, description: "Deploy spiders, schedule jobs, read their logs, items, requests and stats." },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(ctx));
  await app.register(projectRoutes(ctx));
  await app.register(versionRoutes(ctx));
  await app.register(jobRoutes(ctx));
  await app.register(jobDataRoutes(ctx));
  await app.register(jobControlRoutes(ctx));
  await app.register(jobMetricsRoutes(ctx));
  await app.register(scheduleRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(nodeRoutes(ctx));
  // Last: the dashboard's client-side routes catch what no API route matched.
  await registerWeb(app);
  return app as unknown as FastifyInstance;
}
