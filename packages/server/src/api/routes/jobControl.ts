// Pause, resume, rerun, batch cancel and delete: the job-page buttons and the bulk actions.

import fs from "node:fs";
import path from "node:path";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { formatJobKey, JOB_STATES, parseJobKey } from "@trawler/core";
import type { ApiContext } from "../context.ts";
import { badRequest, conflict } from "../../errors.ts";
import { JobKeyParams } from "../schemas.ts";
import { presentJob } from "../presenters.ts";
import { getJobById, getJobByKey, listJobs } from "../../store/jobs.ts";
import { getProject } from "../../store/projects.ts";
import { pause } from "../../queue/sql/pause.ts";
import { resume } from "../../queue/sql/resume.ts";
import { cancel } from "../../queue/sql/cancel.ts";
import { enqueue } from "../../queue/sql/enqueue.ts";

const base = "/api/v1/jobs/:project/:spider/:number";

export function jobControlRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const reload = async (id: number) => presentJob((await getJobById(ctx.store, id))!);

    app.post(`${base}/pause`, { schema: { tags: ["jobs"], summary: "Pause a job (keeps its job directory)", params: JobKeyParams } }, async (req) => {
      const job = await getJobByKey(ctx.store, req.params);
      const result = await pause(ctx.store, job.id);
      if (result === "not_pausable")
        throw conflict("job_not_pausable", `Job ${formatJobKey(req.params)} is ${job.state}${job.outcome ? ` (${job.outcome})` : ""}: only pending and running jobs can be paused`);
      if (result === "pausing") ctx.events.emit("control", job.id);
      return reload(job.id);
    });

    app.post(`${base}/resume`, { schema: { tags: ["jobs"], summary: "Resume a paused job", params: JobKeyParams } }, async (req) => {
      const job = await getJobByKey(ctx.store, req.params);
      if (!(await resume(ctx.store, job.id)))
        throw conflict("job_not_paused", `Job ${formatJobKey(req.params)} is ${job.state}, not paused: nothing to resume`);
      ctx.events.emit("enqueued");
      return reload(job.id);
    });

    app.post(`${base}/rerun`, { schema: { tags: ["jobs"], summary: "A new job with the same spider, version, arguments, priority and tags", params: JobKeyParams } }, async (req, reply) => {
      const job = await getJobByKey(ctx.store, req.params);
      const created = await enqueue(ctx.store, {
        projectId: job.project_id,
        spiderId: job.spider_id,
        versionId: job.version_id,
        priority: job.priority,
        args: JSON.parse(job.args) as Record<string, string>,
        settings: JSON.parse(job.settings) as Record<string, unknown>,
        tags: JSON.parse(job.tags) as string[],
        limits: JSON.parse(job.limits) as Record<string, number>,
      });
      ctx.events.emit("enqueued");
      return reply.status(201).send(presentJob({ ...created, spider_name: job.spider_name }));
    });

    app.post(
      "/api/v1/jobs/cancel",
      {
        schema: {
          tags: ["jobs"],
          summary: "Cancel many jobs: by keys, or every unfinished job matching a filter",
          body: Type.Object(
            {
              keys: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 1000 })),
              project: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Integer({ minimum: 1 })])),
              state: Type.Optional(Type.Union(JOB_STATES.filter((s) => s !== "finished").map((s) => Type.Literal(s)))),
              spider: Type.Optional(Type.String({ maxLength: 100 })),
              tag: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => {
        const b = req.body;
        let ids: number[];
        if (b.keys) {
          ids = [];
          for (const k of b.keys) {
            const key = parseJobKey(k);
            if (!key) throw badRequest("invalid_job_key", `${JSON.stringify(k)} is not a job key PROJECT/SPIDER/NUMBER`);
            ids.push((await getJobByKey(ctx.store, key)).id);
          }
        } else {
          if (b.project === undefined) throw badRequest("invalid_request", "give keys, or a project to cancel jobs of (with optional state, spider, tag)");
          const project = await getProject(ctx.store, b.project);
          ids = [];
          for (const state of b.state ? [b.state] : (["pending", "running", "paused"] as const)) {
            const page = await listJobs(ctx.store, { projectId: project.id, state, spider: b.spider, tag: b.tag, limit: 1000 });
            ids.push(...page.jobs.map((j) => j.id));
          }
        }
        const results: Record<string, number> = { cancelled: 0, stopping: 0, already_finished: 0 };
        for (const id of ids) {
          const r = await cancel(ctx.store, id);
          if (r === "not_found") continue;
          results[r] = (results[r] ?? 0) + 1;
          if (r === "stopping") ctx.events.emit("control", id);
        }
        return { matched: ids.length, ...results };
      },
    );

    app.delete(`${base}`, { schema: { tags: ["jobs"], summary: "Delete a finished job with its data and job directory", params: JobKeyParams } }, async (req, reply) => {
      const job = await getJobByKey(ctx.store, req.params);
      if (job.state === "running")
        throw conflict("job_running", `Job ${formatJobKey(req.params)} is running: cancel it first, then delete it`);
      await ctx.store.db.deleteFrom("jobs").where("id", "=", job.id).where("state", "!=", "running").execute();
      fs.rmSync(path.join(ctx.config.dataDir, "jobs", String(job.id)), { recursive: true, force: true });
      return reply.status(204).send();
    });
  };
}
