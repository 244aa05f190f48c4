// Many machines on one PostgreSQL database: a server that runs no jobs and two workers with
// their own data directories. Jobs spread over both, no node exceeds its slots, and each worker
// unpacks the versions it runs from the database (it does not share the server's disk).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { startWorker, type RunningWorker } from "../src/workerProcess.ts";
import { PG_URL } from "./helpers/dialects.ts";
import { startTestServer, type TestServer } from "./helpers/testServer.ts";

const suite = PG_URL ? describe : describe.skip;

suite(`a server and two workers on one PostgreSQL database${PG_URL ? "" : " — skipped: set TRAWLER_TEST_DATABASE_URL to run it"}`, () => {
  let t: TestServer;
  const workers: RunningWorker[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    t = await startTestServer("postgres", { slots: 0 });
    const schema = (await t.store.db.selectNoFrom((eb) => eb.fn<string>("current_schema").as("s")).executeTakeFirstOrThrow()).s;
    for (let i = 0; i < 2; i++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `trawler-worker${i}-`));
      dirs.push(dataDir);
      const config = loadConfig({ dataDir, databaseUrl: PG_URL, slots: 2, heartbeatMs: 500, pollMs: 100, logLevel: "warn" }, {});
      workers.push(await startWorker(config, { schema, logger: pino({ level: "warn" }) }));
    }
    const { versionId } = await t.deployFixture("contract");
    // The workers stand for other machines: the server's own copy of the version is not theirs to see.
    const deployed = await t.store.db.selectFrom("versions").select("path").where("id", "=", versionId).executeTakeFirstOrThrow();
    fs.rmSync(deployed.path, { recursive: true, force: true });
  });

  afterAll(async () => {
    for (const w of workers) await w.close(2000);
    await t.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("spreads jobs over the workers, within their slots, each running from its own copy of the version", async () => {
    const jobs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.api<{ key: string; id: number }>("POST", "/api/v1/jobs", { project: "contract", spider: "sleep", args: { ms: "400", label: String(i) } })),
    );
    for (const j of jobs) expect((await t.waitForJob(j.body.key, "finished", 60_000)).outcome).toBe("finished");
    const runs = await t.store.db
      .selectFrom("job_runs")
      .select(["node_id", "started_at", "finished_at"])
      .where("job_id", "in", jobs.map((j) => j.body.id))
      .execute();
    const nodes = new Set(runs.map((r) => r.node_id));
    expect(nodes).toEqual(new Set(workers.map((w) => w.worker.nodeId)));
    for (const node of nodes) {
      const events = runs.filter((r) => r.node_id === node).flatMap((r) => [{ t: r.started_at, d: 1 }, { t: r.finished_at!, d: -1 }]);
      events.sort((a, b) => a.t - b.t || a.d - b.d);
      let now = 0;
      let max = 0;
      for (const e of events) max = Math.max(max, (now += e.d));
      expect(max).toBeLessThanOrEqual(2);
    }
    const versionId = (await t.api<{ currentVersion: number }>("GET", "/api/v1/projects/contract")).body.currentVersion;
    for (const dir of dirs) expect(fs.existsSync(path.join(dir, "versions", String(versionId), "trawler.json"))).toBe(true);
    const listed = await t.api<{ nodes: { id: string; slots: number; online: boolean }[] }>("GET", "/api/v1/nodes");
    expect(listed.body.nodes.filter((n) => n.online).map((n) => n.id).sort()).toEqual(workers.map((w) => w.worker.nodeId).sort());
  });
});
