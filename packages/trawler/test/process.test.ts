// The CLI as a process: `serve` lifecycle and signals, configuration errors, an unreachable
// server, `--url`/TRAWLER_URL, and `crawl` through the SDK.

import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, cleanEnv, runCli, tempDir } from "./helpers.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("trawler serve", () => {
  it("starts, answers /api/health, and exits 0 on SIGTERM", async () => {
    const data = await tempDir("serve");
    dirs.push(data);
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--data-dir", data, "--slots", "1"], {
      cwd: REPO_ROOT,
      env: cleanEnv({ TRAWLER_LOG_LEVEL: "warn" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let stdout = "";
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          stdout += d;
          const m = /Trawler is running at (http:\/\/\S+)/.exec(stdout);
          if (m?.[1]) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      const health = await fetch(`${url}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", database: "sqlite" });

      // The CLI finds the same server through TRAWLER_URL.
      const projects = await runCli(["projects"], { env: { TRAWLER_URL: url } });
      expect(projects.code).toBe(0);
      expect(projects.stdout).toContain("no projects yet");

      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code, signal] = (await exited) as [number | null, string | null];
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(stderr).toContain("SIGTERM: stopping");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("exits 2 with the setting's name on an invalid flag or environment value", async () => {
    const [flag, env, schema] = await Promise.all([
      runCli(["serve", "--port", "http"]),
      runCli(["serve", "--port", "0"], { env: { TRAWLER_SLOTS: "many" } }),
      runCli(["serve", "--port", "0"], { env: { TRAWLER_DATABASE_SCHEMA: 'x"; drop table jobs' } }),
    ]);
    expect(schema.code).toBe(2);
    expect(schema.stderr).toMatch(/^error: Invalid TRAWLER_DATABASE_SCHEMA=.*must be a PostgreSQL schema name/);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('error: invalid --port "http": must be an integer from 0 to 65535\n');
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^error: Invalid TRAWLER_SLOTS="many": must be an integer/);
  });

  it("refuses to start a worker without a shared PostgreSQL database", async () => {
    const r = await runCli(["worker"], { env: { TRAWLER_DATABASE_URL: "" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: a worker shares its database with a server: give --database-url or TRAWLER_DATABASE_URL/);
  });

  it("exits 2 saying what to do when its port is taken", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const dataDir = await tempDir("taken");
    try {
      const r = await runCli(["serve", "--port", String(port), "--data-dir", dataDir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: 127.0.0.1:${port} is already in use (another Trawler?)`);
      expect(r.stderr).toContain("--port or TRAWLER_PORT");
    } finally {
      taken.close();
    }
  });
});

describe("no server", () => {
  it("says there is no Trawler server at the URL and how to start one", async () => {
    const [byFlag, byEnv] = await Promise.all([
      runCli(["jobs", "--url", "http://127.0.0.1:9"]),
      runCli(["logs", "-f", "1/1/1"], { env: { TRAWLER_URL: "http://127.0.0.1:9/" } }),
    ]);
    for (const r of [byFlag, byEnv]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("error: no Trawler server at http://127.0.0.1:9 — start one with `trawler serve`\n");
    }
  });

  it("refuses a malformed job key, priority, deploy directory or URL without a request", async () => {
    const [key, priority, dir, url] = await Promise.all([
      runCli(["items", "1/2", "--url", "http://127.0.0.1:9"]),
      runCli(["schedule", "p", "s", "-p", "7", "--url", "http://127.0.0.1:9"]),
      runCli(["deploy", "no/such/dir", "--url", "http://127.0.0.1:9"]),
      runCli(["projects", "--url", "localhost:6800"]),
    ]);
    expect(key.stderr).toContain('error: a job key is PROJECT/SPIDER/NUMBER, e.g. 1/3/42, not "1/2"');
    expect(priority.stderr).toContain("expected an integer from 0 to 4");
    expect(dir.stderr).toBe("error: no/such/dir is not a directory\n");
    expect(url.stderr).toBe('error: --url must be an http:// or https:// URL, not "localhost:6800"\n');
    for (const r of [key, priority, dir, url]) expect(r.code).toBe(1);
  });
});

const crawlCommandExists = fs.existsSync(path.join(REPO_ROOT, "packages/sdk/src/crawl-command.ts"));

describe("trawler crawl", () => {
  it.skipIf(!crawlCommandExists)("runs an SDK spider file locally and writes its items", async () => {
    const site = http.createServer((req, res) => {
      res.setHeader("content-type", "text/html");
      if (req.url === "/") res.end('<h1>Home</h1><a href="/a">a</a> <a href="/b">b</a>');
      else res.end(`<h1>Page ${req.url?.slice(1) ?? ""}</h1>`);
    });
    site.listen(0, "127.0.0.1");
    await once(site, "listening");
    const port = (site.address() as { port: number }).port;
    const dir = await tempDir("crawl");
    dirs.push(dir);
    try {
      const spider = path.join(dir, "pages.ts");
      fs.writeFileSync(
        spider,
        `import { Request, Spider, type Response } from "trawler/sdk";
export default class Pages extends Spider {
  static override name = "pages";
  override async *startRequests() { yield new Request(this.args.start!); }
  override async *parse(response: Response) {
    yield { url: response.url, title: response.css("h1::text").get(), tag: this.args.tag };
    for (const href of response.css("a::attr(href)").all()) yield response.follow(href);
  }
}
`,
      );
      const out = path.join(dir, "items.jsonl");
      const r = await runCli(
        [
          "crawl",
          spider,
          "-a",
          `start=http://127.0.0.1:${port}/`,
          "-a",
          "tag=t1",
          "-s",
          "ROBOTSTXT_OBEY=false",
          "-o",
          out,
        ],
        { timeoutMs: 55_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      const items = fs
        .readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { title: string; tag: string });
      expect(items.map((i) => i.title).sort()).toEqual(["Home", "Page a", "Page b"]);
      expect(items.every((i) => i.tag === "t1")).toBe(true);
    } finally {
      site.close();
    }
  });
});

const pgUrl = process.env.TRAWLER_TEST_DATABASE_URL;
if (!pgUrl) console.log("PostgreSQL: TRAWLER_TEST_DATABASE_URL is not set, skipping TRAWLER_DATABASE_SCHEMA");
describe.skipIf(!pgUrl)("trawler serve on PostgreSQL", () => {
  it("keeps its tables in TRAWLER_DATABASE_SCHEMA, created if missing", async () => {
    const pg = (await import("pg")).default;
    const schema = `cli_schema_${process.pid}_${Date.now()}`;
    const data = await tempDir("schema");
    dirs.push(data);
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--data-dir", data, "--slots", "0"], {
      cwd: REPO_ROOT,
      env: cleanEnv({ TRAWLER_LOG_LEVEL: "warn", TRAWLER_DATABASE_URL: pgUrl!, TRAWLER_DATABASE_SCHEMA: schema }),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => {
          out += d;
          const m = /Trawler is running at (http:\/\/\S+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`serve exited ${code}`)));
      });
      const created = await fetch(`${url}/api/v1/projects`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "in-schema" }),
      });
      expect(created.status).toBe(201);
      const rows = await client.query("select name from projects", []).catch(() => ({ rows: [] as { name: string }[] }));
      expect(rows.rows.map((r) => r.name)).not.toContain("in-schema");
      const inSchema = await client.query(`select name from "${schema}".projects`);
      expect(inSchema.rows.map((r: { name: string }) => r.name)).toEqual(["in-schema"]);
    } finally {
      child.kill("SIGKILL");
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }, 60_000);
});

