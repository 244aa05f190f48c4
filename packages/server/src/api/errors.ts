// Turns every failure into `{ error, message }` with a 4xx/5xx status. Codes are stable and
// listed in docs/errors.md.

import type { FastifyError, FastifyInstance } from "fastify";
import { TrawlerError } from "../errors.ts";

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_request",
  FST_ERR_VALIDATION: "invalid_request",
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | TrawlerError, req, reply) => {
    if (err instanceof TrawlerError) return reply.status(err.statusCode).send({ error: err.code, message: err.message });
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({ error: "invalid_request", message: `${fe.validationContext ?? "request"}${fe.message.replace(/^(body|querystring|params|headers)/, "")}` });
    }
    const status = fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, "request failed");
      return reply.status(status).send({ error: "internal_error", message: "The server failed to handle this request; see its log" });
    }
    const code = (fe.code && FASTIFY_CODES[fe.code]) ?? (fe instanceof SyntaxError || /JSON/i.test(fe.message) ? "invalid_json" : "invalid_request");
    return reply.status(status).send({ error: code, message: fe.message });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: "route_not_found", message: `No route ${req.method} ${req.url.split("?")[0]}` }),
  );
}
