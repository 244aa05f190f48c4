import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { once } from "node:events";
import { Type } from "typebox";
import { parseLevel } from "@trawler/core";
import type { ApiContext } from "../context.ts";
import { badRequest } from "../../errors.ts";
import { JobKeyParams, Limit, Seq } from "../schemas.ts";
import { iso } from "../presenters.ts";
import { getJobById, getJobByKey, getStats, listLogs, listRequests } from "../../store/jobs.ts";
import { CONTENT_TYPES, exportItems, type ExportFormat } from "../../export/itemExport.ts";
import { ClientGone } from "../../export/drained.ts";
import { queryItems } from "../../store/itemQuery.ts";
import { CursorParam, ItemQueryParams, itemQueryFor } from "../itemQueryParams.ts";

const LevelQuery = Type.Optional(Type.String({ maxLength: 10 }));
const FieldsQuery = Type.Optional(Type.String({ maxLength: 4000 }));
const SSE_POLL_MS = 250;

function minLevel(level: string | undefined): number {
  if (level === undefined) return 0;
  const n = parseLevel(level);
  if (n === undefined) throw badRequest("invalid_level", `level must be debug, info, warning, error, critical or 10-50, not ${JSON.stringify(level)}`);
  return n;
}

function parseFields(fields: string | undefined): string[] | undefined {
  if (fields === undefined || fields === "") return undefined;
  const list = fields.split(",").map((f) => f.trim()).filter(Boolean);
  if (list.length > 200) throw badRequest("invalid_fields", "at most 200 fields");
  return list;
}

function pick(data: string, fields: string[] | undefined): unknown {
  const obj = JSON.parse(data) as Record<string, unknown>;
  if (!fields) return obj;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in obj) out[f] = obj[f];
  return out;
}

export function jobDataRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const base = "/api/v1/jobs/:project/:spider/:number";

    app.get(
      `${base}/logs`,
      { schema: { tags: ["logs"], params: JobKeyParams, querystring: Type.Object({ after: Seq, limit: Limit(5000, 500), level: LevelQuery }) } },
      async (req) => {
        const job = await getJobByKey(ctx.store, req.params);
        const after = req.query.after ?? 0;
        const logs = await listLogs(ctx.store, job.id, after, req.query.limit ?? 500, minLevel(req.query.level));
        return {
          logs: logs.map((l) => ({ seq: Number(l.seq), time: iso(l.time), level: l.level, message: l.message })),
          nextAfter: logs.length ? Number(logs[logs.length - 1]!.seq) : after,
        };
      },
    );

    app.get(
      `${base}/logs/stream`,
      { schema: { tags: ["logs"], summary: "Follow a job's log (Server-Sent Events)", params: JobKeyParams, querystring: Type.Object({ after: Seq, level: LevelQuery }) } },
      async (req, reply) => {
        const job = await getJobByKey(ctx.store, req.params);
        const level = minLevel(req.query.level);
        const lastId = Number(req.headers["last-event-id"]);
        let after = Number.isInteger(lastId) && lastId > 0 ? lastId : (req.query.after ?? 0);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
        let closed = false;
        req.raw.on("close", () => (closed = true));
        const send = async (text: string) => {
          if (!res.write(text)) await Promise.race([once(res, "drain"), once(res, "close")]);
        };
        let idle = 0;
        while (!closed) {
          const logs = await listLogs(ctx.store, job.id, after, 1000, level);
          if (logs.length) {
            idle = 0;
            after = Number(logs[logs.length - 1]!.seq);
            await send(
              logs
                .map((l) => `event: log\nid: ${l.seq}\ndata: ${JSON.stringify({ seq: Number(l.seq), time: iso(l.time), level: l.level, message: l.message })}\n\n`)
                .join(""),
            );
            continue;
          }
          const now = await getJobById(ctx.store, job.id);
          if (!now || now.state === "finished") {
            // The job's last batch commits before its state changes, so one more read sees everything.
            const rest = await listLogs(ctx.store, job.id, after, 1000, level);
            if (rest.length) continue;
            await send(`event: end\ndata: ${JSON.stringify({ state: now?.state ?? "deleted", outcome: now?.outcome ?? null })}\n\n`);
            break;
          }
          if (++idle % 60 === 0) await send(": keep-alive\n\n");
          await new Promise((r) => setTimeout(r, SSE_POLL_MS));
        }
        res.end();
      },
    );

    app.get(
      `${base}/items`,
      {
        schema: {
          tags: ["items"],
          params: JobKeyParams,
          querystring: Type.Object({ after: Seq, cursor: CursorParam, limit: Limit(1000, 100), fields: FieldsQuery, ...ItemQueryParams }),
        },
      },
      async (req) => {
        const job = await getJobByKey(ctx.store, req.params);
        const fields = parseFields(req.query.fields);
        const { fields: known, q } = await itemQueryFor(ctx.store, job.id, req.query);
        const page = await queryItems(ctx.store, job.id, q, { after: req.query.after, cursor: req.query.cursor, limit: req.query.limit ?? 100 });
        return {
          items: page.rows.map((r) => ({ seq: r.seq, data: pick(r.data, fields) })),
          fields: known,
          nextAfter: page.nextAfter,
          nextCursor: page.nextCursor,
        };
      },
    );

    app.get(
      `${base}/items/export`,
      {
        schema: {
          tags: ["items"],
          summary: "Download all items as CSV, JSON, JSON lines or Excel (streamed)",
          params: JobKeyParams,
          querystring: Type.Object({
            format: Type.Optional(Type.Union([Type.Literal("csv"), Type.Literal("json"), Type.Literal("jsonl"), Type.Literal("xlsx")])),
            fields: FieldsQuery,
            ...ItemQueryParams,
          }),
        },
      },
      async (req, reply) => {
        const job = await getJobByKey(ctx.store, req.params);
        const format: ExportFormat = req.query.format ?? "jsonl";
        const fields = parseFields(req.query.fields);
        const { q } = await itemQueryFor(ctx.store, job.id, req.query);
        const name = `items-${job.project_id}-${job.spider_id}-${job.number}.${format}`;
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          "content-type": CONTENT_TYPES[format],
          "content-disposition": `attachment; filename="${name}"`,
          // With a filter the count is not known before the end.
          ...(q.filters.length ? {} : { "x-item-count": String(job.items_count) }),
        });
        try {
          await exportItems(ctx.store, job.id, format, res, fields, q);
        } catch (err) {
          if (err instanceof ClientGone) req.log.info({ job: job.id }, "export stopped: the client went away");
          else req.log.error({ err }, "export failed");
          res.destroy();
          return;
        }
        res.end();
      },
    );

    app.get(
      `${base}/requests`,
      {
        schema: {
          tags: ["requests"],
          params: JobKeyParams,
          querystring: Type.Object({ after: Seq, limit: Limit(1000, 100), status: Type.Optional(Type.Integer({ minimum: 0, maximum: 999 })) }),
        },
      },
      async (req) => {
        const job = await getJobByKey(ctx.store, req.params);
        const limit = req.query.limit ?? 100;
        const rows = await listRequests(ctx.store, job.id, req.query.after ?? 0, limit, req.query.status);
        return {
          requests: rows.map((r) => ({
            seq: Number(r.seq),
            url: r.url,
            method: r.method,
            status: r.status,
            size: Number(r.size),
            duration: r.duration,
            time: iso(r.time),
            parent: r.parent,
            fingerprint: r.fingerprint,
          })),
          nextAfter: rows.length === limit ? Number(rows[rows.length - 1]!.seq) : null,
        };
      },
    );

    app.get(`${base}/stats`, { schema: { tags: ["stats"], params: JobKeyParams } }, async (req) => {
      const job = await getJobByKey(ctx.store, req.params);
      const stats = await getStats(ctx.store, job.id);
      return { stats: stats ? (JSON.parse(stats.data) as Record<string, unknown>) : {}, updatedAt: iso(stats?.updated_at) };
    });
  };
}
