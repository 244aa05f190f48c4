// Each version's archive is kept in the database, so a worker on another machine can unpack
// the version it must run without sharing the server's disk.

import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types */
export function versionArchives(dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .alterTable("versions")
        .addColumn("archive", dialect === "postgres" ? "bytea" : "blob")
        .execute();
    },
  };
}
