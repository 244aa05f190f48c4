// The CLI end to end: the real `trawler` executable against a real server (SQLite, real
// spider processes), checking what a user sees and that downloads match the API.

import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, startServer, type RunningServer } from "@trawler/server";
import { HELLO_ITEMS, runCli, tempDir, writeHelloProject } from "./helpers.ts";

let server: RunningServer;
let work: string;
let key: string;

const cli = (...args: string[]) => runCli(["--url", server.url, ...args]);

async function api<T>(p: string): Promise<T> {
  const res = await fetch(server.url + p);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  work = await tempDir("e2e");
  server = await startServer(loadConfig({ port: 0, dataDir: path.join(work, "data"), slots: 2, logLevel: "warn" }));
  await writeHelloProject(path.join(work, "hello-project"));
});

afterAll(async () => {
  await server?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe("trawler CLI against a live server", () => {
  it("deploys a directory, creating the project named after it", async () => {
    const r = await cli("deploy", path.join(work, "hello-project"), "--label", "first");
    expect(r.stderr).toContain("created project hello-project");
    expect(r.stdout).toMatch(/^deployed hello-project version \d+ \(first\)\nspiders: hello\n$/);
    expect(r.code).toBe(0);
    // A second deploy finds the project already there and adds a version. Deploy loads the
    // server package (for its packer), the slowest start of all commands: overlap the reads.
    const [again, projects, spiders] = await Promise.all([
      cli("deploy", path.join(work, "hello-project")),
      cli("projects"),
      cli("spiders", "hello-project"),
    ]);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain("created project");
    expect(projects.stdout).toMatch(/hello-project/);
    expect(spiders.stdout).toMatch(/hello\s+command/);
  }, 120_000);

  it("schedules with arguments, priority and tags, and lists the job", async () => {
    const r = await cli(
      "schedule",
      "hello-project",
      "hello",
      "-a",
      "greeting=hi=there",
      "-p",
      "3",
      "-t",
      "nightly",
      "-t",
      "cli",
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    key = r.stdout.trim();
    expect(key).toMatch(/^\d+\/\d+\/\d+$/);
    const job = await api<{ args: Record<string, string>; priority: number; tags: string[] }>(`/api/v1/jobs/${key}`);
    expect(job).toMatchObject({ args: { greeting: "hi=there" }, priority: 3, tags: ["nightly", "cli"] });

    const jobs = await cli("jobs", "--tag", "nightly");
    expect(jobs.code).toBe(0);
    const lines = jobs.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^key\s+spider\s+state\s+outcome\s+items\s+requests\s+errors\s+started\s+duration$/);
    expect(lines.slice(1).some((l) => l.startsWith(`${key} `) && l.includes("hello"))).toBe(true);
    const json = JSON.parse((await cli("jobs", "--json", "--project", "hello-project")).stdout) as { key: string }[];
    expect(json.map((j) => j.key)).toContain(key);
  });

  it("follows the log until the job ends, then prints it again by page", async () => {
    const followed = await cli("logs", "-f", key);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/^\S+ WARNING hello warns hi=there$/m);
    expect(followed.stdout).toMatch(/^\S+ INFO hello from stdout$/m);
    const job = await api<{ state: string; outcome: string; items: number }>(`/api/v1/jobs/${key}`);
    expect(job).toMatchObject({ state: "finished", outcome: "finished", items: HELLO_ITEMS });

    const { logs } = await api<{ logs: { message: string }[] }>(`/api/v1/jobs/${key}/logs`);
    const paged = await cli("logs", key);
    expect(
      paged.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(" ").slice(2).join(" ")),
    ).toEqual(logs.map((l) => l.message));
    expect(paged.stdout).toBe(followed.stdout);
    const warnings = await cli("logs", key, "--level", "warning");
    expect(warnings.stdout.trim().split("\n")).toHaveLength(1);

    const shown = await cli("job", key);
    expect(shown.stdout).toMatch(/^state\s+finished$/m);
    expect(shown.stdout).toMatch(/^tags\s+nightly, cli$/m);
  });

  it("downloads items to a file and to stdout, byte for byte as the API exports them", async () => {
    const exportOf = async (format: string) =>
      (await fetch(`${server.url}/api/v1/jobs/${key}/items/export?format=${format}`)).text();
    const csvFile = path.join(work, "out.csv");
    const [toFile, jsonl, fields] = await Promise.all([
      cli("items", key, "-o", csvFile),
      cli("items", key, "--format", "jsonl"),
      cli("items", key, "--format", "json", "--fields", "n,greeting"),
    ]);
    expect(toFile.code).toBe(0);
    expect(toFile.stderr).toContain(`${HELLO_ITEMS} items written to ${csvFile}`);
    const csv = await fs.readFile(csvFile, "utf8");
    expect(csv).toBe(await exportOf("csv"));
    expect(csv.split("\n")[0]).toBe("n,name,greeting,note");
    expect(csv).toContain('"two\nlines, ""quoted"""');
    await expect(fs.stat(`${csvFile}.part`)).rejects.toThrow();

    expect(jsonl.stdout).toBe(await exportOf("jsonl"));
    const items = jsonl.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { n: number; greeting: string });
    expect(items.map((i) => i.n)).toEqual([0, 1, 2, 3, 4]);
    expect(items[0]?.greeting).toBe("hi=there");
    expect(JSON.parse(fields.stdout)).toEqual(items.map((i) => ({ n: i.n, greeting: i.greeting })));

    const xlsxFile = path.join(work, "out.xlsx");
    const xlsx = await cli("items", key, "-o", xlsxFile);
    expect(xlsx.code).toBe(0);
    expect(xlsx.stderr).toContain(`${HELLO_ITEMS} items written to ${xlsxFile}`);
    const workbook = await fs.readFile(xlsxFile);
    expect(workbook.subarray(0, 2).toString()).toBe("PK"); // a zip container, as xlsx is
    const { default: ExcelJS } = await import("exceljs");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(workbook as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("items")!;
    expect(sheet.getRow(1).values).toEqual([undefined, "n", "name", "greeting", "note"]);
    expect(sheet.rowCount).toBe(HELLO_ITEMS + 1);
    expect(sheet.getRow(2).getCell(1).value).toBe(0);
  });

  it("prints API errors as `error: message (code)` with exit code 1", async () => {
    const [unknownProject, unknownJob, finished, noSpider] = await Promise.all([
      cli("spiders", "no-such-project"),
      cli("job", "999/1/1"),
      cli("cancel", key),
      cli("schedule", "hello-project", "nope"),
    ]);
    for (const r of [unknownProject, unknownJob, finished, noSpider]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: .+ \([a-z_]+\)\n$/);
      expect(r.stdout).toBe("");
    }
    expect(finished.stderr).toContain("(job_finished)");
  });

  it("refuses a malformed -a before calling the server", async () => {
    const r = await cli("schedule", "hello-project", "hello", "-a", "greeting");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "error: option '-a, --arg <name=value>' argument 'greeting' is invalid. expected NAME=VALUE",
    );
    const { jobs } = await api<{ jobs: unknown[] }>("/api/v1/jobs?project=hello-project");
    expect(jobs).toHaveLength(1);
  });
});
