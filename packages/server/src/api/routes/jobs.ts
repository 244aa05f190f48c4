import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { JOB_STATES, PRIORITY_DEFAULT, PRIORITY_MAX, PRIORITY_MIN } from "@trawler/core";
import type { ApiContext } from "../context.ts";
import { badRequest, conflict } from "../../errors.ts";
import { JobKeyParams, Limit } from "../schemas.ts";
import { presentJob } from "../presenters.ts";
import { getProject, getVersionSpider } from "../../store/projects.ts";
import { getJobById, getJobByKey, listJobs } from "../../store/jobs.ts";
import { enqueue } from "../../queue/sql/enqueue.ts";
import { cancel } from "../../queue/sql/cancel.ts";
import { LimitsSchema, resolveLimits } from "../../runner/limits.ts";

const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;
const MAX_ARG_BYTES = 64 * 1024;

const ScheduleBody = Type.Object(
  {
    project: Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Integer({ minimum: 1 })]),
    spider: Type.String({ minLength: 1, maxLength: 100 }),
    args: Type.Optional(Type.Record(Type.String(), Type.String())),
    priority: Type.Optional(Type.Integer({ minimum: PRIORITY_MIN, maximum: PRIORITY_MAX })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 })),
    settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    limits: Type.Optional(LimitsSchema),
  },
  { additionalProperties: false },
);

function checkArgs(args: Record<string, string>): void {
  for (const [k, v] of Object.entries(args)) {
    if (!ARG_NAME.test(k))
      throw badRequest("invalid_argument", `Argument name ${JSON.stringify(k.slice(0, 100))} must be letters, digits, '_', '.', '-' and start with a letter or '_'`);
    if (Buffer.byteLength(v) > MAX_ARG_BYTES) throw badRequest("invalid_argument", `Argument ${k} is longer than ${MAX_ARG_BYTES} bytes`);
  }
}

export function jobRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post("/api/v1/jobs", { schema: { tags: ["jobs"], summary: "Schedule a job", body: ScheduleBody } }, async (req, reply) => {
      const b = req.body;
      const args = b.args ?? {};
      checkArgs(args);
      const settings = b.settings ?? {};
      if (JSON.stringify(settings).length > MAX_ARG_BYTES) throw badRequest("invalid_settings", `settings are larger than ${MAX_ARG_BYTES} bytes`);
      const project = await getProject(ctx.store, b.project);
      if (project.current_version_id === null)
        throw conflict("no_version", `Project ${project.name} has no deployed version yet; deploy one first (trawler deploy DIR)`);
      const spider = await getVersionSpider(ctx.store, project.id, project.current_version_id, b.spider);
      const job = await enqueue(ctx.store, {
        projectId: project.id,
        spiderId: spider.id,
        versionId: project.current_version_id,
        priority: b.priority ?? PRIORITY_DEFAULT,
        args,
        settings,
        tags: [...new Set(b.tags ?? [])],
        limits: b.limits ?? {},
      });
      ctx.events.emit("enqueued");
      return reply.status(201).send(presentJob({ ...job, spider_name: spider.name }));
    });

    app.get(
      "/api/v1/jobs",
      {
        schema: {
          tags: ["jobs"],
          querystring: Type.Object({
            project: Type.Optional(Type.String({ maxLength: 100 })),
            state: Type.Optional(Type.Union(JOB_STATES.map((s) => Type.Literal(s)))),
            spider: Type.Optional(Type.String({ maxLength: 100 })),
            tag: Type.Optional(Type.String({ maxLength: 100 })),
            outcome: Type.Optional(Type.String({ maxLength: 255 })),
            limit: Limit(1000, 50),
            cursor: Type.Optional(Type.String({ maxLength: 20 })),
          }),
        },
      },
      async (req) => {
        const q = req.query;
        const project = q.project ? await getProject(ctx.store, q.project) : undefined;
        const page = await listJobs(ctx.store, {
          projectId: project?.id,
          state: q.state,
          spider: q.spider,
          tag: q.tag,
          outcome: q.outcome,
          limit: q.limit ?? 50,
          cursor: q.cursor,
        });
        return { jobs: page.jobs.map(presentJob), nextCursor: page.nextCursor };
      },
    );

    app.get("/api/v1/jobs/:project/:spider/:number", { schema: { tags: ["jobs"], params: JobKeyParams } }, async (req) => {
      const job = await getJobByKey(ctx.store, req.params);
      const levels = await ctx.store.db
        .selectFrom("spiders as s")
        .innerJoin("projects as p", "p.id", "s.project_id")
        .select(["s.settings as spider", "p.settings as project"])
        .where("s.id", "=", job.spider_id)
        .executeTakeFirst();
      return { ...presentJob(job), limits: resolveLimits(ctx.config, { ...levels, job: job.limits }) };
    });

    app.post(
      "/api/v1/jobs/:project/:spider/:number/cancel",
      { schema: { tags: ["jobs"], summary: "Cancel a pending job or stop a running one", params: JobKeyParams } },
      async (req) => {
        const job = await getJobByKey(ctx.store, req.params);
        const result = await cancel(ctx.store, job.id);
        if (result === "already_finished")
          throw conflict("job_finished", `Job ${presentJob(job).key} has already finished (outcome ${job.outcome}); nothing to cancel`);
        if (result === "stopping") ctx.events.emit("control", job.id);
        return presentJob((await getJobById(ctx.store, job.id))!);
      },
    );
  };
}
