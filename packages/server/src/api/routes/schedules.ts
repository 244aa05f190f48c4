// Cron schedules of a project's spiders: create, list, read, change, delete. Every body has
// `nextFires`, the next five fire times, computed on the database clock.

import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { PRIORITY_DEFAULT, PRIORITY_MAX, PRIORITY_MIN } from "@trawler/core";
import type { ApiContext } from "../context.ts";
import { badRequest, conflict } from "../../errors.ts";
import { Limit, ProjectParams } from "../schemas.ts";
import { getProject, getVersionSpider } from "../../store/projects.ts";
import { MISFIRE_POLICIES, OVERLAP_POLICIES } from "../../schedules/cronSpec.ts";
import { createSchedule, dbNow, deleteSchedule, getSchedule, listSchedules, updateSchedule } from "../../schedules/scheduleStore.ts";
import { presentSchedule } from "../../schedules/present.ts";

const MAX_JSON_BYTES = 64 * 1024;

const fields = {
  cron: Type.String({ minLength: 1, maxLength: 200, description: 'cron expression, 5 fields or 6 with seconds, e.g. "*/5 * * * *"' }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: "IANA timezone the expression is read in (default UTC)" }),
  args: Type.Record(Type.String(), Type.String({ maxLength: MAX_JSON_BYTES })),
  settings: Type.Record(Type.String(), Type.Unknown()),
  priority: Type.Integer({ minimum: PRIORITY_MIN, maximum: PRIORITY_MAX }),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 }),
  enabled: Type.Boolean(),
  overlap: Type.Union(OVERLAP_POLICIES.map((p) => Type.Literal(p)), { description: "skip: no new job while the last is pending/running; queue: always" }),
  misfire: Type.Union(MISFIRE_POLICIES.map((p) => Type.Literal(p)), { description: "once: one catch-up job after downtime; skip: none" }),
};

// Everything but the spider and the cron expression may be left out, on create as on patch.
const optionalFields = {
  timezone: Type.Optional(fields.timezone),
  args: Type.Optional(fields.args),
  settings: Type.Optional(fields.settings),
  priority: Type.Optional(fields.priority),
  tags: Type.Optional(fields.tags),
  enabled: Type.Optional(fields.enabled),
  overlap: Type.Optional(fields.overlap),
  misfire: Type.Optional(fields.misfire),
};

const CreateBody = Type.Object(
  { spider: Type.String({ minLength: 1, maxLength: 100 }), cron: fields.cron, ...optionalFields },
  { additionalProperties: false },
);

const PatchBody = Type.Object({ cron: Type.Optional(fields.cron), ...optionalFields }, { additionalProperties: false, minProperties: 1 });

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** The same rule as one-off jobs: argument names become environment-safe identifiers. */
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;

function checkArgs(args: Record<string, string> | undefined): void {
  for (const k of Object.keys(args ?? {}))
    if (!ARG_NAME.test(k))
      throw badRequest("invalid_argument", `Argument name ${JSON.stringify(k.slice(0, 100))} must be letters, digits, '_', '.', '-' and start with a letter or '_'`);
}

function checkSettings(settings: Record<string, unknown> | undefined): void {
  if (settings && JSON.stringify(settings).length > MAX_JSON_BYTES)
    throw badRequest("invalid_settings", `settings are larger than ${MAX_JSON_BYTES} bytes`);
}

export function scheduleRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const present = async <T extends Parameters<typeof presentSchedule>[0]>(s: T) => presentSchedule(s, await dbNow(ctx.store));
  return async (app) => {
    app.post(
      "/api/v1/projects/:project/schedules",
      { schema: { tags: ["schedules"], summary: "Create a cron schedule", params: ProjectParams, body: CreateBody } },
      async (req, reply) => {
        const b = req.body;
        checkArgs(b.args);
        checkSettings(b.settings);
        const project = await getProject(ctx.store, req.params.project);
        if (project.current_version_id === null)
          throw conflict("no_version", `Project ${project.name} has no deployed version yet; deploy one first (trawler deploy DIR)`);
        const spider = await getVersionSpider(ctx.store, project.id, project.current_version_id, b.spider);
        const schedule = await createSchedule(ctx.store, {
          projectId: project.id,
          spiderId: spider.id,
          cron: b.cron.trim(),
          timezone: b.timezone ?? "UTC",
          args: b.args ?? {},
          settings: b.settings ?? {},
          priority: b.priority ?? PRIORITY_DEFAULT,
          tags: [...new Set(b.tags ?? [])],
          enabled: b.enabled ?? true,
          overlap: b.overlap ?? "skip",
          misfire: b.misfire ?? "once",
        });
        return reply.status(201).send(await present(schedule));
      },
    );

    app.get(
      "/api/v1/projects/:project/schedules",
      {
        schema: {
          tags: ["schedules"],
          params: ProjectParams,
          querystring: Type.Object({ limit: Limit(1000, 100), cursor: Type.Optional(Type.String({ maxLength: 20 })) }),
        },
      },
      async (req) => {
        const project = await getProject(ctx.store, req.params.project);
        const page = await listSchedules(ctx.store, project.id, req.query.limit ?? 100, req.query.cursor);
        const now = await dbNow(ctx.store);
        return { schedules: page.schedules.map((s) => presentSchedule(s, now)), nextCursor: page.nextCursor };
      },
    );

    app.get("/api/v1/schedules/:id", { schema: { tags: ["schedules"], params: IdParams } }, async (req) =>
      present(await getSchedule(ctx.store, req.params.id)),
    );

    app.patch(
      "/api/v1/schedules/:id",
      { schema: { tags: ["schedules"], summary: "Change a schedule; enabling it starts from now", params: IdParams, body: PatchBody } },
      async (req) => {
        const b = req.body;
        checkArgs(b.args);
        checkSettings(b.settings);
        return present(
          await updateSchedule(ctx.store, req.params.id, {
            ...b,
            ...(b.cron !== undefined ? { cron: b.cron.trim() } : {}),
            ...(b.tags !== undefined ? { tags: [...new Set(b.tags)] } : {}),
          }),
        );
      },
    );

    app.delete("/api/v1/schedules/:id", { schema: { tags: ["schedules"], params: IdParams } }, async (req, reply) => {
      await deleteSchedule(ctx.store, req.params.id);
      return reply.status(204).send();
    });
  };
}
