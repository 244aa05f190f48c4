import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { nameProblem } from "@trawler/core";
import type { ApiContext } from "../context.ts";
import { badRequest, notFound } from "../../errors.ts";
import { LimitsSchema } from "../../runner/limits.ts";
import { deleteProject } from "../../projectDeletion.ts";
import { Name, ProjectParams } from "../schemas.ts";
import { presentOrganization, presentProject } from "../presenters.ts";
import {
  createOrganization,
  createProject,
  DEFAULT_ORGANIZATION,
  ensureOrganization,
  getOrganization,
  getProject,
  listOrganizations,
  listProjects,
  listSpiders,
} from "../../store/projects.ts";

function checkName(kind: string, name: string): void {
  const problem = nameProblem(name);
  if (problem) throw badRequest("invalid_name", `The ${kind} name ${JSON.stringify(name.slice(0, 100))} ${problem}`);
}

export function projectRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get("/api/v1/organizations", { schema: { tags: ["organizations"] } }, async () => ({
      organizations: (await listOrganizations(ctx.store)).map(presentOrganization),
    }));

    app.post(
      "/api/v1/organizations",
      { schema: { tags: ["organizations"], body: Type.Object({ name: Name }, { additionalProperties: false }) } },
      async (req, reply) => {
        checkName("organization", req.body.name);
        return reply.status(201).send(presentOrganization(await createOrganization(ctx.store, req.body.name)));
      },
    );

    app.get(
      "/api/v1/projects",
      { schema: { tags: ["projects"], querystring: Type.Object({ organization: Type.Optional(Type.String({ maxLength: 100 })) }) } },
      async (req) => {
        const org = req.query.organization ? await getOrganization(ctx.store, req.query.organization) : undefined;
        const rows = await listProjects(ctx.store, org?.id);
        return {
          projects: rows.map((p) => ({ ...presentProject(p), pending: Number(p.pending ?? 0), running: Number(p.running ?? 0) })),
        };
      },
    );

    app.post(
      "/api/v1/projects",
      {
        schema: {
          tags: ["projects"],
          body: Type.Object({ name: Name, organization: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
        },
      },
      async (req, reply) => {
        checkName("project", req.body.name);
        if (/^\d+$/.test(req.body.name)) throw badRequest("invalid_name", "A project name cannot be only digits (numbers are project ids)");
        const org = req.body.organization
          ? await getOrganization(ctx.store, req.body.organization)
          : await ensureOrganization(ctx.store, DEFAULT_ORGANIZATION);
        return reply.status(201).send(presentProject(await createProject(ctx.store, org.id, req.body.name)));
      },
    );

    app.get("/api/v1/projects/:project", { schema: { tags: ["projects"], params: ProjectParams } }, async (req) =>
      presentProject(await getProject(ctx.store, req.params.project)),
    );

    app.patch(
      "/api/v1/projects/:project",
      {
        schema: {
          tags: ["projects"],
          summary: "Set the project's default limits (a spider's or a job's own limits win over them)",
          params: ProjectParams,
          body: Type.Object({ limits: LimitsSchema }, { additionalProperties: false }),
        },
      },
      async (req) => {
        const project = await getProject(ctx.store, req.params.project);
        const settings = { ...(JSON.parse(project.settings) as Record<string, unknown>), limits: req.body.limits };
        await ctx.store.db.updateTable("projects").set({ settings: JSON.stringify(settings) }).where("id", "=", project.id).execute();
        return { ...presentProject(project), limits: req.body.limits };
      },
    );

    app.patch(
      "/api/v1/projects/:project/spiders/:spider",
      {
        schema: {
          tags: ["spiders"],
          summary: "Set a spider's limits",
          params: Type.Object({ project: Type.String({ maxLength: 100 }), spider: Type.String({ maxLength: 100 }) }),
          body: Type.Object({ limits: LimitsSchema }, { additionalProperties: false }),
        },
      },
      async (req) => {
        const project = await getProject(ctx.store, req.params.project);
        const spider = await ctx.store.db
          .selectFrom("spiders")
          .selectAll()
          .where("project_id", "=", project.id)
          .where(/^\d+$/.test(req.params.spider) ? "id" : "name", "=", /^\d+$/.test(req.params.spider) ? Number(req.params.spider) : req.params.spider)
          .executeTakeFirst();
        if (!spider) throw notFound("spider_not_found", `Project ${project.name} has no spider ${JSON.stringify(req.params.spider)}`);
        const settings = { ...(JSON.parse(spider.settings) as Record<string, unknown>), limits: req.body.limits };
        await ctx.store.db.updateTable("spiders").set({ settings: JSON.stringify(settings) }).where("id", "=", spider.id).execute();
        return { id: spider.id, name: spider.name, limits: req.body.limits };
      },
    );

    app.delete(
      "/api/v1/projects/:project",
      { schema: { tags: ["projects"], summary: "Delete a project: running jobs end project_deleted, then all its data goes", params: ProjectParams } },
      async (req, reply) => {
        const project = await getProject(ctx.store, req.params.project);
        const stopping = await deleteProject(ctx.store, ctx.config, project.id);
        for (const id of stopping) ctx.events.emit("control", id);
        return reply.status(202).send({ id: project.id, name: project.name, deleted: true, stoppingJobs: stopping.length });
      },
    );

    app.get("/api/v1/projects/:project/spiders", { schema: { tags: ["spiders"], params: ProjectParams } }, async (req) => {
      const project = await getProject(ctx.store, req.params.project);
      const spiders = await listSpiders(ctx.store, project);
      return {
        spiders: spiders.map((s) => ({
          id: s.id,
          projectId: s.project_id,
          name: s.name,
          runtime: s.runtime,
          lastJob: s.last_job_number ? `${s.project_id}/${s.id}/${s.last_job_number}` : null,
        })),
      };
    });
  };
}
