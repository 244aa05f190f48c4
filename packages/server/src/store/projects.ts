// Organizations, projects, versions and the spiders each version holds.

import type { Selectable } from "kysely";
import type { Store } from "./database.ts";
import type { ProjectsTable } from "./schema.ts";
import { conflict, notFound } from "../errors.ts";

export const DEFAULT_ORGANIZATION = "default";

export type ProjectRow = Selectable<ProjectsTable>;

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === "23505" || e.code === "SQLITE_CONSTRAINT_UNIQUE" || /UNIQUE constraint/.test(e.message ?? "");
}

export async function listOrganizations(store: Store) {
  return store.db.selectFrom("organizations").selectAll().orderBy("id").limit(1000).execute();
}

export async function createOrganization(store: Store, name: string) {
  try {
    return await store.db
      .insertInto("organizations")
      .values({ name, created_at: store.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("organization_exists", `An organization named "${name}" already exists`);
    throw err;
  }
}

export async function ensureOrganization(store: Store, name: string) {
  const found = await store.db.selectFrom("organizations").selectAll().where("name", "=", name).executeTakeFirst();
  if (found) return found;
  await store.db
    .insertInto("organizations")
    .values({ name, created_at: store.now() })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  return store.db.selectFrom("organizations").selectAll().where("name", "=", name).executeTakeFirstOrThrow();
}

export async function getOrganization(store: Store, idOrName: string | number) {
  const q = store.db.selectFrom("organizations").selectAll();
  const row = await (typeof idOrName === "number" || /^\d+$/.test(idOrName)
    ? q.where("id", "=", Number(idOrName))
    : q.where("name", "=", idOrName)
  ).executeTakeFirst();
  if (!row) throw notFound("organization_not_found", `No organization ${JSON.stringify(String(idOrName))}`);
  return row;
}

export async function createProject(store: Store, organizationId: number, name: string): Promise<ProjectRow> {
  try {
    return await store.db
      .insertInto("projects")
      .values({ organization_id: organizationId, name, settings: "{}", created_at: store.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("project_exists", `A project named "${name}" already exists`);
    throw err;
  }
}

/** Finds a project by numeric id or by name. */
export async function getProject(store: Store, idOrName: string | number): Promise<ProjectRow> {
  const byId = typeof idOrName === "number" || /^\d+$/.test(idOrName);
  const rows = await (
    byId
      ? store.db.selectFrom("projects").selectAll().where("id", "=", Number(idOrName))
      : store.db.selectFrom("projects").selectAll().where("name", "=", idOrName)
  )
    .where("deleted_at", "is", null)
    .limit(2)
    .execute();
  if (rows.length === 0) throw notFound("project_not_found", `No project ${JSON.stringify(String(idOrName))}`);
  if (rows.length > 1)
    throw conflict("ambiguous_project", `Several organizations have a project "${idOrName}"; use its numeric id`);
  return rows[0]!;
}

export async function listProjects(store: Store, organizationId?: number) {
  let q = store.db
    .selectFrom("projects as p")
    .select((eb) => [
      "p.id",
      "p.organization_id",
      "p.name",
      "p.current_version_id",
      "p.created_at",
      eb
        .selectFrom("jobs")
        .whereRef("jobs.project_id", "=", "p.id")
        .where("jobs.state", "=", "pending")
        .select((e) => e.fn.countAll<number>().as("n"))
        .as("pending"),
      eb
        .selectFrom("jobs")
        .whereRef("jobs.project_id", "=", "p.id")
        .where("jobs.state", "=", "running")
        .select((e) => e.fn.countAll<number>().as("n"))
        .as("running"),
    ])
    .where("p.deleted_at", "is", null)
    .orderBy("p.id")
    .limit(1000);
  if (organizationId !== undefined) q = q.where("p.organization_id", "=", organizationId);
  return q.execute();
}

export interface VersionSpider {
  name: string;
  runtime: "sdk" | "command";
  entry: { file?: string; command?: string[]; className?: string; env?: Record<string, string> };
}

/**
 * Records a version whose files are already in place and makes it the project's current one,
 * creating spider rows for names seen for the first time (a spider keeps its id across versions).
 */
export async function recordVersion(
  store: Store,
  input: { projectId: number; label: string; sha256: string; size: number; path: string; archive: Buffer; spiders: VersionSpider[] },
) {
  return store.db.transaction().execute(async (trx) => {
    const version = await trx
      .insertInto("versions")
      .values({
        project_id: input.projectId,
        label: input.label,
        sha256: input.sha256,
        size: input.size,
        path: input.path,
        archive: input.archive,
        created_at: store.now(),
      })
      .returning(["id", "project_id", "label", "sha256", "size", "path", "created_at"])
      .executeTakeFirstOrThrow();
    for (const spider of input.spiders) {
      await trx
        .insertInto("spiders")
        .values({ project_id: input.projectId, name: spider.name, created_at: store.now() })
        .onConflict((oc) => oc.columns(["project_id", "name"]).doNothing())
        .execute();
      const row = await trx
        .selectFrom("spiders")
        .select("id")
        .where("project_id", "=", input.projectId)
        .where("name", "=", spider.name)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("version_spiders")
        .values({ version_id: version.id, spider_id: row.id, runtime: spider.runtime, entry: JSON.stringify(spider.entry) })
        .execute();
    }
    await trx.updateTable("projects").set({ current_version_id: version.id }).where("id", "=", input.projectId).execute();
    return version;
  });
}

export async function listVersions(store: Store, projectId: number) {
  const versions = await store.db
    .selectFrom("versions")
    .select(["id", "project_id", "label", "sha256", "size", "path", "created_at"])
    .where("project_id", "=", projectId)
    .orderBy("id", "desc")
    .limit(200)
    .execute();
  const spiders = versions.length
    ? await store.db
        .selectFrom("version_spiders as vs")
        .innerJoin("spiders as s", "s.id", "vs.spider_id")
        .select(["vs.version_id", "s.name"])
        .where(
          "vs.version_id",
          "in",
          versions.map((v) => v.id),
        )
        .execute()
    : [];
  return versions.map((v) => ({
    ...v,
    spiders: spiders.filter((s) => s.version_id === v.id).map((s) => s.name),
  }));
}

/** The spiders of a project's current version, with their last job. */
export async function listSpiders(store: Store, project: ProjectRow) {
  if (project.current_version_id === null) return [];
  return store.db
    .selectFrom("version_spiders as vs")
    .innerJoin("spiders as s", "s.id", "vs.spider_id")
    .select((eb) => [
      "s.id",
      "s.name",
      "s.project_id",
      "vs.runtime",
      eb
        .selectFrom("jobs")
        .whereRef("jobs.spider_id", "=", "s.id")
        .select("jobs.number")
        .orderBy("jobs.number", "desc")
        .limit(1)
        .as("last_job_number"),
    ])
    .where("vs.version_id", "=", project.current_version_id)
    .orderBy("s.name")
    .execute();
}

/** Resolves a spider by name (or id) within a version; 404 when the version does not hold it. */
export async function getVersionSpider(store: Store, projectId: number, versionId: number, spider: string | number) {
  let q = store.db
    .selectFrom("version_spiders as vs")
    .innerJoin("spiders as s", "s.id", "vs.spider_id")
    .select(["s.id", "s.name", "vs.runtime", "vs.entry", "vs.version_id"])
    .where("vs.version_id", "=", versionId)
    .where("s.project_id", "=", projectId);
  q = typeof spider === "number" ? q.where("s.id", "=", spider) : q.where("s.name", "=", spider);
  const row = await q.executeTakeFirst();
  if (!row)
    throw notFound("spider_not_found", `The project's version ${versionId} has no spider ${JSON.stringify(String(spider))}`);
  return row;
}
