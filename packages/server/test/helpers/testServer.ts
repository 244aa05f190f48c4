// Starts a real Trawler server for a test file: a fresh SQLite data directory, or a fresh
// PostgreSQL schema when the dialect is postgres. Every suite runs on both where it can.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import pino from "pino";
import { loadConfig, type Config } from "../../src/config.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import { getProject, createProject, ensureOrganization } from "../../src/store/projects.ts";
import { deployDirectory } from "../../src/versions.ts";

export { eachDialect, PG_URL, type DialectName } from "./dialects.ts";
import { PG_URL, type DialectName } from "./dialects.ts";
export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");


export interface TestServer extends RunningServer {
  config: Config;
  api<T = unknown>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
  deployFixture(project: string, dir?: string): Promise<{ projectId: number; versionId: number }>;
  waitForJob(key: string, state?: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startTestServer(dialect: DialectName, overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-test-"));
  const schema = dialect === "postgres" ? `t_${randomBytes(6).toString("hex")}` : undefined;
  const config = loadConfig({
    port: 0,
    dataDir,
    databaseUrl: dialect === "postgres" ? PG_URL : undefined,
    slots: 4,
    heartbeatMs: 500,
    pollMs: 200,
    logLevel: "warn",
    ...overrides,
  }, {});
  const server = await startServer(config, { schema, logger: pino({ level: "warn" }) });
  const api = async <T>(method: string, url: string, body?: unknown) => {
    const res = await fetch(server.url + url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T };
  };
  return {
    ...server,
    config,
    api,
    async deployFixture(project, dir = path.join(FIXTURES, "contract-spiders")) {
      const org = await ensureOrganization(server.store, "default");
      const row = await getProject(server.store, project).catch(() => createProject(server.store, org.id, project));
      const version = await deployDirectory(server.store, config, row, dir);
      return { projectId: row.id, versionId: version.id };
    },
    async waitForJob(key, state = "finished", timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await api<Record<string, unknown>>("GET", `/api/v1/jobs/${key}`);
        if (body.state === state) return body;
        if (Date.now() > deadline) throw new Error(`job ${key} did not reach ${state}: ${JSON.stringify(body)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await server.close(2000);
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (schema && PG_URL) {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema if exists "${schema}" cascade`);
        await c.end();
      }
    },
  };
}
