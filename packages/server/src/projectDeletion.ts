// Deleting a project: it disappears from the API at once (soft delete); its pending and paused
// jobs are cancelled, its running jobs are stopped with the outcome `project_deleted`, and its
// rows, versions and job directories are purged once nothing of it runs any more.

import fs from "node:fs";
import path from "node:path";
import { OUTCOMES } from "@trawler/core";
import type { Config } from "./config.ts";
import type { Store } from "./store/database.ts";
import { requestStop } from "./queue/sql/requestStop.ts";

/** Returns the ids of running jobs asked to stop. */
export async function deleteProject(store: Store, config: Config, projectId: number): Promise<number[]> {
  await store.db.updateTable("projects").set({ deleted_at: store.now() }).where("id", "=", projectId).execute();
  await store.db
    .updateTable("jobs")
    .set({ state: "finished", outcome: OUTCOMES.projectDeleted, finished_at: store.now() })
    .where("project_id", "=", projectId)
    .where("state", "in", ["pending", "paused"])
    .execute();
  const running = await store.db.selectFrom("jobs").select("id").where("project_id", "=", projectId).where("state", "=", "running").execute();
  const stopping = await requestStop(store, running.map((r) => r.id), OUTCOMES.projectDeleted);
  await purgeDeletedProjects(store, config);
  return stopping;
}

/** Removes deleted projects whose jobs have all ended. Safe to call often and from any node. */
export async function purgeDeletedProjects(store: Store, config: Config): Promise<number> {
  const ready = await store.db
    .selectFrom("projects as p")
    .select("p.id")
    .where("p.deleted_at", "is not", null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("jobs").select("jobs.id").whereRef("jobs.project_id", "=", "p.id").where("jobs.state", "=", "running"))))
    .execute();
  for (const { id } of ready) {
    const jobs = await store.db.selectFrom("jobs").select("id").where("project_id", "=", id).execute();
    await store.db.transaction().execute(async (trx) => {
      await trx.updateTable("projects").set({ current_version_id: null }).where("id", "=", id).execute();
      await trx.deleteFrom("jobs").where("project_id", "=", id).execute();
      await trx.deleteFrom("versions").where("project_id", "=", id).execute();
      await trx.deleteFrom("spiders").where("project_id", "=", id).execute();
      await trx.deleteFrom("projects").where("id", "=", id).execute();
    });
    for (const j of jobs) fs.rmSync(path.join(config.dataDir, "jobs", String(j.id)), { recursive: true, force: true });
    fs.rmSync(path.join(config.dataDir, "projects", String(id)), { recursive: true, force: true });
  }
  return ready.length;
}
