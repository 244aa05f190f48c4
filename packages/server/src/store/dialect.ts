import { sql, type RawBuilder } from "kysely";

export type Dialect = "sqlite" | "postgres";

/** The database clock in milliseconds: leases, stalls and schedules never trust a worker's clock. */
export function nowMs(dialect: Dialect): RawBuilder<number> {
  return dialect === "postgres"
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`cast(unixepoch('subsec') * 1000 as integer)`;
}
