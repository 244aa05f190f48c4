import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tar from "tar";
import { FIXTURES, startTestServer, type TestServer } from "./helpers/testServer.ts";

type ErrorBody = { error: string; message: string };

describe("API errors are JSON with a stable code", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer("sqlite");
    await t.deployFixture("contract");
  });
  afterAll(() => t.stop());

  const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
    expect(res.status).toBe(status);
    const body = res.body as ErrorBody;
    expect(body.error).toBe(code);
    expect(typeof body.message).toBe("string");
    expect(body.message.length).toBeGreaterThan(5);
  };

  it("404s unknown jobs, projects, spiders and routes", async () => {
    expectError(await t.api("GET", "/api/v1/jobs/1/1/999"), 404, "job_not_found");
    expectError(await t.api("GET", "/api/v1/projects/nope"), 404, "project_not_found");
    expectError(await t.api("POST", "/api/v1/jobs", { project: "contract", spider: "nope" }), 404, "spider_not_found");
    expectError(await t.api("GET", "/api/v1/nothing-here"), 404, "route_not_found");
    expectError(await t.api("GET", "/api/v1/jobs/1/1/999/items"), 404, "job_not_found");
  });

  it("400s bad priorities, arguments, names and bodies", async () => {
    expectError(await t.api("POST", "/api/v1/jobs", { project: "contract", spider: "emit", priority: 7 }), 400, "invalid_request");
    const huge = await fetch(`${t.url}/api/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"project":"contract","spider":"emit","priority":1e309}',
    });
    expectError({ status: huge.status, body: await huge.json() }, 400, "invalid_request");
    expectError(await t.api("POST", "/api/v1/jobs", { project: "contract", spider: "emit", priority: null }), 400, "invalid_request");
    expectError(await t.api("POST", "/api/v1/jobs", { project: "contract", spider: "emit", priority: "high" }), 400, "invalid_request");
    expectError(await t.api("POST", "/api/v1/jobs", { project: "contract", spider: "emit", args: { "bad name": "x" } }), 400, "invalid_argument");
    expectError(await t.api("POST", "/api/v1/jobs", { project: "contract", spider: "emit", args: { n: 5 } }), 400, "invalid_request");
    expectError(await t.api("POST", "/api/v1/jobs", { project: "contract", spider: "emit", unknown: 1 }), 400, "invalid_request");
    expectError(await t.api("POST", "/api/v1/projects", { name: "../../etc" }), 400, "invalid_name");
    expectError(await t.api("GET", "/api/v1/jobs?limit=-1"), 400, "invalid_request");
    expectError(await t.api("GET", "/api/v1/jobs/1/1/abc"), 400, "invalid_request");
    const res = await fetch(`${t.url}/api/v1/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expectError({ status: res.status, body: await res.json() }, 400, "invalid_json");
    const wrongType = await fetch(`${t.url}/api/v1/jobs`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
    expectError({ status: wrongType.status, body: await wrongType.json() }, 415, "unsupported_media_type");
    const { body } = await t.api<{ jobs: unknown[] }>("GET", "/api/v1/jobs");
    expect(body.jobs).toHaveLength(0);
  });

  it("answers a cancel of a finished job with 409, and of a pending one at once", async () => {
    const { body: job } = await t.api<{ key: string }>("POST", "/api/v1/jobs", { project: "contract", spider: "emit", args: { count: "1" } });
    await t.waitForJob(job.key);
    expectError(await t.api("POST", `/api/v1/jobs/${job.key}/cancel`), 409, "job_finished");
    expectError(await t.api("POST", `/api/v1/jobs/${job.key}/cancel`), 409, "job_finished");
  });

  it("409s a duplicate project", async () => {
    expectError(await t.api("POST", "/api/v1/projects", { name: "contract" }), 409, "project_exists");
  });
});

describe("archive uploads over HTTP", () => {
  let t: TestServer;
  let work: string;
  beforeAll(async () => {
    t = await startTestServer("sqlite");
    await t.api("POST", "/api/v1/projects", { name: "uploads" });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-upload-"));
  });
  afterAll(async () => {
    await t.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const upload = async (body: Buffer, type = "application/gzip") => {
    const res = await fetch(`${t.url}/api/v1/projects/uploads/versions`, { method: "POST", headers: { "content-type": type }, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("deploys a .tar.gz and discovers its manifest spiders", async () => {
    const file = path.join(work, "ok.tar.gz");
    await tar.c({ gzip: true, file, cwd: path.join(FIXTURES, "contract-spiders") }, ["."]);
    const res = await upload(fs.readFileSync(file));
    expect(res.status).toBe(201);
    expect(res.body.spiders).toEqual(expect.arrayContaining(["emit", "fail", "sleep"]));
    const { body: job } = await t.api<{ key: string }>("POST", "/api/v1/jobs", { project: "uploads", spider: "emit", args: { count: "5" } });
    expect((await t.waitForJob(job.key)).items).toBe(5);
  });

  it("refuses entries that escape the version directory, writing nothing outside it", async () => {
    const header = (name: string, type = "0", linkname = "", size = 0) => {
      const h = Buffer.alloc(512);
      h.write(name, 0, 100);
      h.write("0000644\0", 100);
      h.write("0000000\0", 108);
      h.write("0000000\0", 116);
      h.write(size.toString(8).padStart(11, "0") + "\0", 124);
      h.write("00000000000\0", 136);
      h.write("        ", 148);
      h.write(type, 156);
      h.write(linkname, 157, 100);
      h.write("ustar\0" + "00", 257);
      let sum = 0;
      for (const b of h) sum += b;
      h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
      return h;
    };
    const tarOf = (...entries: Buffer[]) => zlib.gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
    const canary = path.join(os.tmpdir(), `trawler-canary-${process.pid}`);
    const data = Buffer.alloc(512);
    data.write("pwned");
    for (const [archive, code] of [
      [tarOf(header("../../../../../../" + canary.slice(1), "0", "", 5), data), "archive_entry_outside_root"],
      [tarOf(header(canary, "0", "", 5), data), "archive_entry_outside_root"],
      [tarOf(header("escape", "2", "/etc")), "archive_link_refused"],
    ] as const) {
      const res = await upload(archive);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(code);
      expect(fs.existsSync(canary)).toBe(false);
    }
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const bad = await upload(png, "application/zip");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("invalid_archive");
    const versions = await t.api<{ versions: unknown[] }>("GET", "/api/v1/projects/uploads/versions");
    expect(versions.body.versions).toHaveLength(1);
  });
});

describe("nodes", () => {
  it("lists this node with its slots and heartbeat", async () => {
    const t = await startTestServer("sqlite", { slots: 3 });
    try {
      const { body } = await t.api<{ nodes: { slots: number; running: number; free: number; online: boolean; name: string }[] }>("GET", "/api/v1/nodes");
      expect(body.nodes).toHaveLength(1);
      expect(body.nodes[0]).toMatchObject({ slots: 3, running: 0, free: 3, online: true, name: t.config.nodeName });
    } finally {
      await t.stop();
    }
  });
});

describe("OpenAPI", () => {
  it("publishes the document and its browsable page", async () => {
    const t = await startTestServer("sqlite", { slots: 0 });
    try {
      const doc = await t.api<{ openapi: string; paths: Record<string, unknown> }>("GET", "/api/openapi.json");
      expect(doc.body.openapi).toMatch(/^3\./);
      for (const p of ["/api/v1/jobs", "/api/v1/jobs/{project}/{spider}/{number}/items/export", "/api/v1/projects/{project}/versions"])
        expect(Object.keys(doc.body.paths)).toContain(p);
      const page = await fetch(`${t.url}/docs/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/swagger/i);
    } finally {
      await t.stop();
    }
  });
});
