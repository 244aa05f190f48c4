import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Readable } from "node:stream";
import { Type } from "typebox";
import type { ApiContext } from "../context.ts";
import { ProjectParams } from "../schemas.ts";
import { presentVersion } from "../presenters.ts";
import { getProject, listVersions } from "../../store/projects.ts";
import { deployArchive } from "../../versions.ts";

const ARCHIVE_TYPES = ["application/gzip", "application/x-gzip", "application/zip", "application/x-tar", "application/octet-stream"];

export function versionRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The archive is streamed to disk with its own size limit, never buffered in memory.
    app.addContentTypeParser(ARCHIVE_TYPES, (_req, payload, done) => done(null, payload));

    app.post(
      "/api/v1/projects/:project/versions",
      {
        schema: {
          tags: ["versions"],
          summary: "Deploy a version from a .tar.gz or .zip archive (the request body)",
          params: ProjectParams,
          querystring: Type.Object({ label: Type.Optional(Type.String({ maxLength: 200 })) }),
        },
        bodyLimit: ctx.config.maxUploadBytes,
      },
      async (req, reply) => {
        const project = await getProject(ctx.store, req.params.project);
        const version = await deployArchive(ctx.store, ctx.config, project, req.body as Readable, req.query.label);
        return reply.status(201).send({ ...presentVersion(version), warnings: version.warnings });
      },
    );

    app.get("/api/v1/projects/:project/versions", { schema: { tags: ["versions"], params: ProjectParams } }, async (req) => {
      const project = await getProject(ctx.store, req.params.project);
      return { versions: (await listVersions(ctx.store, project.id)).map(presentVersion) };
    });
  };
}
