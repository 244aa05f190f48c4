// `trawler serve --demo` (what `npm start` runs): serves the demo shop, deploys the bundled demo
// project when it is missing or changed, and schedules one crawl the first time so a new user
// sees a job with items at once.

import fs from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { workspaceRoot } from "@trawler/core/paths";
import type { Config } from "../config.ts";
import type { Store } from "../store/database.ts";
import { createProject, DEFAULT_ORGANIZATION, ensureOrganization, getVersionSpider } from "../store/projects.ts";
import { deployDirectory } from "../versions.ts";
import { enqueue } from "../queue/sql/enqueue.ts";
import type { QueueEvents } from "../runner/worker.ts";
import { registerShopSite } from "./shopSite.ts";

export const DEMO_PROJECT_DIR = path.join(workspaceRoot(), "examples", "demo");

/**
 * Serves the shop and deploys the demo project; returns what schedules its first crawl, to be
 * called once the server listens (the crawl needs the real address).
 */
export async function installDemo(
  app: FastifyInstance,
  store: Store,
  config: Config,
  events: QueueEvents,
  log: Logger,
): Promise<(serverUrl: string) => Promise<void>> {
  registerShopSite(app);
  const org = await ensureOrganization(store, DEFAULT_ORGANIZATION);
  let project = await store.db.selectFrom("projects").selectAll().where("organization_id", "=", org.id).where("name", "=", "demo").executeTakeFirst();
  const isNew = !project;
  project ??= await createProject(store, org.id, "demo");
  const current = project.current_version_id
    ? await store.db.selectFrom("versions").select("sha256").where("id", "=", project.current_version_id).executeTakeFirst()
    : undefined;
  let version = await deployDirectory(store, config, project, DEMO_PROJECT_DIR, "demo");
  if (current && current.sha256 === version.sha256 && project.current_version_id !== null) {
    // Unchanged since the last start: drop the copy just made rather than pile up identical versions.
    await store.db.updateTable("projects").set({ current_version_id: project.current_version_id }).where("id", "=", project.id).execute();
    await store.db.deleteFrom("versions").where("id", "=", version.id).execute();
    fs.rmSync(version.path, { recursive: true, force: true });
    version = { ...version, id: project.current_version_id };
  }
  log.info({ project: project.id, spiders: version.spiders }, "demo project ready");
  const projectId = project.id;
  return async (serverUrl) => {
    if (!isNew) return;
    const spider = await getVersionSpider(store, projectId, version.id, "shop");
    await enqueue(store, {
      projectId,
      spiderId: spider.id,
      versionId: version.id,
      priority: 2,
      args: { start_url: `${serverUrl}/demo/shop/` },
      settings: {},
      tags: ["demo"],
    });
    events.emit("enqueued");
  };
}
