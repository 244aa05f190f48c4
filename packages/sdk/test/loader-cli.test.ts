// The loader and the commands the platform and the CLI call: a TypeScript spider anywhere on
// disk imports `trawler/sdk`; list-spiders reports spiders and import errors; runCrawlCommand
// writes items and resumes from a job directory.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIST_SPIDERS_PATH, REGISTER_PATH, runCrawlCommand } from "../src/index.ts";
import { tempDir } from "./helpers/run.ts";
import { startSite, type Site } from "./helpers/site.ts";

let site: Site;
let dir: string;
const SPIDER = `import { Spider, Request, type Response } from "trawler/sdk";
import { helper } from "./helper.ts";

export class Books extends Spider {
  static name = "books";
  async *startRequests() { yield new Request(this.args.start); }
  async *parse(response: Response) {
    yield { url: response.url, name: helper(response.css("h1.name::text").get() ?? "") };
    for (const href of response.css("ul.links a::attr(href)").all()) yield response.follow(href);
  }
}
export class NotASpider {}
export const alsoNot = 1;
`;

beforeAll(async () => {
  site = await startSite(200);
  dir = tempDir("trawler-project-");
  fs.mkdirSync(path.join(dir, "spiders"));
  fs.writeFileSync(path.join(dir, "spiders", "books.ts"), SPIDER);
  fs.writeFileSync(path.join(dir, "spiders", "helper.ts"), "export const helper = (s: string): string => s.trim();\n");
  fs.writeFileSync(
    path.join(dir, "spiders", "plain.js"),
    'import { Spider } from "trawler";\nexport class Plain extends Spider { static name = "plain"; }\n',
  );
  fs.writeFileSync(path.join(dir, "spiders", "bad.ts"), "export default class extends (undefined as any) {}\n");
});
afterAll(async () => {
  await site.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("list-spiders", () => {
  it("prints one JSON line with the spiders and the files that failed", () => {
    const out = execFileSync(
      process.execPath,
      ["--import", REGISTER_PATH, LIST_SPIDERS_PATH, "spiders/books.ts", "spiders/plain.js", "spiders/bad.ts"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(out.trim().split("\n")).toHaveLength(1);
    const parsed = JSON.parse(out) as { spiders: unknown[]; errors: Array<{ file: string; message: string }> };
    expect(parsed.spiders).toEqual([
      { name: "books", file: "spiders/books.ts", className: "Books" },
      { name: "plain", file: "spiders/plain.js", className: "Plain" },
    ]);
    expect(parsed.errors.map((e) => e.file)).toEqual(["spiders/bad.ts"]);
    expect(parsed.errors[0]?.message).toMatch(/undefined/);
  });
});

describe("runCrawlCommand", () => {
  it("writes JSON lines and CSV and resumes from a job directory", async () => {
    const out = path.join(dir, "items.jsonl");
    const jobDir = path.join(dir, "crawls", "run-1");
    await site.reset();
    const code = await runCrawlCommand({
      file: path.join(dir, "spiders/books.ts"),
      args: { start: site.url },
      settings: { JOB_DIR: jobDir },
      output: out,
      logLevel: "WARNING",
    });
    expect(code).toBe(0);
    const lines = fs
      .readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { url: string; name: string });
    expect(lines.length).toBe(200);
    expect(lines.every((l) => l.name.length > 0)).toBe(true);
    expect(await site.served()).toBe(200);
    expect(fs.existsSync(path.join(jobDir, "job.sqlite"))).toBe(true);

    // Same command again: the job directory says everything was seen, nothing is fetched.
    const again = await runCrawlCommand({
      file: path.join(dir, "spiders/books.ts"),
      args: { start: site.url },
      settings: { JOB_DIR: jobDir },
      output: out,
      logLevel: "WARNING",
    });
    expect(again).toBe(0);
    expect(await site.served()).toBe(200);
    expect(fs.readFileSync(out, "utf8")).toBe("");

    const csv = path.join(dir, "items.csv");
    expect(
      await runCrawlCommand({
        file: path.join(dir, "spiders/books.ts"),
        spider: "books",
        args: { start: site.url },
        settings: { CLOSESPIDER_ITEMCOUNT: "5", CONCURRENT_REQUESTS: "1" },
        output: csv,
        logLevel: "ERROR",
      }),
    ).toBe(0);
    const rows = fs.readFileSync(csv, "utf8").trim().split("\r\n");
    expect(rows[0]).toBe("url,name");
    expect(rows.length).toBeGreaterThanOrEqual(6);
  });

  it("returns non-zero when the spider cannot be found", async () => {
    const code = await runCrawlCommand({
      file: path.join(dir, "spiders/books.ts"),
      spider: "nope",
      args: {},
      settings: {},
      logLevel: "ERROR",
    });
    expect(code).not.toBe(0);
  });
});
