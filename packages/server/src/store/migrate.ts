import { Migrator, type Kysely, type Migration } from "kysely";
import type { Dialect } from "./dialect.ts";
import { initial } from "./migrations/0001_initial.ts";
import { supervision } from "./migrations/0002_supervision.ts";
import { schedulesAlerts } from "./migrations/0003_schedules_alerts.ts";
import { versionArchives } from "./migrations/0004_version_archives.ts";

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "0001_initial": initial(dialect),
    "0002_supervision": supervision(dialect),
    "0003_schedules_alerts": schedulesAlerts(dialect),
    "0004_version_archives": versionArchives(dialect),
  };
}

/** Runs pending migrations; Kysely's PostgreSQL adapter holds an advisory lock so concurrent starts do not race. */
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: Dialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
    // With a schema of our own, Kysely must look for its bookkeeping tables there and not in
    // whichever schema happens to have them.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error");
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed: ${(error as Error).message ?? error}`);
  }
}
