// `trawler pause`, `resume` and `rerun` against a live server and a real spider process.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig, startServer, type RunningServer } from "@trawler/server";
import { runCli, tempDir } from "./helpers.ts";

let server: RunningServer;
let work: string;
const cli = (...args: string[]) => runCli(["--url", server.url, ...args]);

async function job(key: string): Promise<{ state: string; outcome: string | null; items: number; attempt: number }> {
  return (await (await fetch(`${server.url}/api/v1/jobs/${key}`)).json()) as { state: string; outcome: string | null; items: number; attempt: number };
}

async function until(state: string, key: string): Promise<void> {
  for (let i = 0; i < 300 && (await job(key)).state !== state; i++) await new Promise((r) => setTimeout(r, 100));
}

beforeAll(async () => {
  work = await tempDir("control");
  server = await startServer(loadConfig({ port: 0, dataDir: path.join(work, "data"), slots: 2, logLevel: "warn" }));
  const project = path.join(work, "counter");
  await fs.mkdir(project);
  await fs.copyFile(path.resolve(import.meta.dirname, "../../server/test/fixtures/supervision/counter.mjs"), path.join(project, "counter.mjs"));
  await fs.writeFile(path.join(project, "trawler.json"), JSON.stringify({ spiders: { counter: { command: ["node", "counter.mjs"] } } }));
  expect((await cli("deploy", project)).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

it("pauses, resumes and reruns a job", async () => {
  const scheduled = await cli("schedule", "counter", "counter", "-a", "total=30", "-a", "ms=50");
  const key = scheduled.stdout.trim();
  await until("running", key);
  await new Promise((r) => setTimeout(r, 300));
  const paused = await cli("pause", key);
  expect(paused.code).toBe(0);
  expect(paused.stdout).toMatch(/pausing|paused/);
  await until("paused", key);
  expect((await cli("resume", key)).stdout).toBe(`${key} resumed\n`);
  await until("finished", key);
  expect(await job(key)).toMatchObject({ outcome: "finished", items: 30, attempt: 2 });
  const again = await cli("resume", key);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/job_not_paused/);
  const rerun = await cli("rerun", key);
  expect(rerun.stdout).toMatch(new RegExp(`^${key} scheduled as \\d+/\\d+/2\\n$`));
}, 120_000);
