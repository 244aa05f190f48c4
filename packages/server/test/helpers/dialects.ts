import { describe } from "vitest";

export const PG_URL = process.env.TRAWLER_TEST_DATABASE_URL;

export type DialectName = "sqlite" | "postgres";

/** Runs `body` once per dialect; PostgreSQL is skipped, visibly, without TRAWLER_TEST_DATABASE_URL. */
export function eachDialect(title: string, body: (dialect: DialectName) => void): void {
  describe(`${title} [sqlite]`, () => body("sqlite"));
  if (PG_URL) describe(`${title} [postgres]`, () => body("postgres"));
  else describe.skip(`${title} [postgres] — skipped: set TRAWLER_TEST_DATABASE_URL to run it`, () => body("postgres"));
}
