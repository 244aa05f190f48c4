// The database refuses writes for a while (another process holds SQLite's write lock past the
// busy timeout): the running job's rows wait and are written afterwards, none lost or doubled.
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FIXTURES, startTestServer, type TestServer } from "./helpers/testServer.ts";

type Job = { key: string; state: string; outcome: string | null; items: number };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer("sqlite");
  await t.deployFixture("supervision", path.join(FIXTURES, "supervision"));
});
afterAll(() => t.stop());

it("keeps a job's items through a write outage longer than the busy timeout", async () => {
  const job = (await t.api<Job>("POST", "/api/v1/jobs", { project: "supervision", spider: "counter", args: { total: "120", ms: "30" } })).body;
  await t.waitForJob(job.key, "running");
  await new Promise((r) => setTimeout(r, 300));
  // Another process holds the write lock past the server's 5 s busy timeout, so at least one of
  // its commits fails outright. (A separate process: SQLite's busy wait blocks its caller.)
  const holder = spawn(
    process.execPath,
    [
      "-e",
      `const db = new (require("better-sqlite3"))(process.argv[1]); db.exec("BEGIN EXCLUSIVE"); console.log("locked");
       setTimeout(() => { db.exec("COMMIT"); db.close(); }, 6500);`,
      path.join(t.config.dataDir, "trawler.db"),
    ],
    { cwd: import.meta.dirname, stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((r) => holder.stdout!.once("data", r));
  await new Promise((r) => holder.once("exit", r));
  const done = (await t.waitForJob(job.key, "finished", 60_000)) as Job;
  expect(done.outcome).toBe("finished");
  const items = await t.api<{ items: { data: { n: number } }[] }>("GET", `/api/v1/jobs/${job.key}/items?limit=1000`);
  expect(items.body.items.map((i) => i.data.n)).toEqual([...Array(120).keys()]);
}, 90_000);
