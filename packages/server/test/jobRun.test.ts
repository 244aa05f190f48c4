import { afterAll, beforeAll, expect, it } from "vitest";
import { eachDialect, startTestServer, type TestServer } from "./helpers/testServer.ts";

type Job = Record<string, unknown> & { key: string; logs: Record<string, number> };

eachDialect("a job runs a real spider process end to end", (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect, { maxItemBytes: 100_000 });
    await t.deployFixture("contract");
  });
  afterAll(() => t.stop());

  const schedule = async (spider: string, args: Record<string, string> = {}) => {
    const res = await t.api<Job>("POST", "/api/v1/jobs", { project: "contract", spider, args });
    expect(res.status).toBe(201);
    return res.body;
  };

  it("stores every item, log line and request and ends finished", async () => {
    const job = await schedule("emit", { count: "250" });
    expect(job.state).toBe("pending");
    const done = (await t.waitForJob(job.key)) as Job;
    expect(done.outcome).toBe("finished");
    expect(done.exitCode).toBe(0);
    expect(done.items).toBe(250);
    expect(done.requests).toBe(250);
    expect(done.logs.warning).toBe(1);
    expect(done.logs.error).toBeGreaterThanOrEqual(1); // the stderr line

    const items = await t.api<{ items: { seq: number; data: { n: number } }[] }>("GET", `/api/v1/jobs/${job.key}/items?limit=1000`);
    expect(items.body.items.map((i) => i.data.n)).toEqual([...Array(250).keys()]);
    expect(items.body.items.map((i) => i.seq)).toEqual([...Array(250).keys()].map((i) => i + 1));

    const logs = await t.api<{ logs: { level: number; message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs`);
    const messages = logs.body.logs.map((l) => l.message);
    expect(messages).toContain("emitting 250 items");
    expect(messages).toContain("spider opened");
    expect(logs.body.logs.find((l) => l.message === "a line on stderr")?.level).toBe(40);

    const reqs = await t.api<{ requests: { status: number }[] }>("GET", `/api/v1/jobs/${job.key}/requests?limit=1000&status=404`);
    expect(reqs.body.requests).toHaveLength(25);
    const stats = await t.api<{ stats: Record<string, unknown> }>("GET", `/api/v1/jobs/${job.key}/stats`);
    expect(stats.body.stats.item_scraped_count).toBe(250);
  });

  it("takes the spider's FIN outcome", async () => {
    const job = await schedule("emit", { count: "3", outcome: "closespider_itemcount" });
    expect((await t.waitForJob(job.key)).outcome).toBe("closespider_itemcount");
  });

  it("gives the spider the contract's environment and none of the server's", async () => {
    process.env.TRAWLER_TEST_SECRET = "do-not-leak";
    const job = await schedule("env", { q: "a; $(id) `id`" });
    await t.waitForJob(job.key);
    const items = await t.api<{ items: { data: { keys: string[]; jobKey: string; shub: string; args: string; jobDir: string } }[] }>(
      "GET",
      `/api/v1/jobs/${job.key}/items`,
    );
    const seen = items.body.items[0]!.data;
    expect(seen.jobKey).toBe(job.key);
    expect(seen.shub).toBe(job.key);
    expect(JSON.parse(seen.args)).toEqual({ q: "a; $(id) `id`" });
    expect(seen.keys).toContain("TRAWLER_FIFO");
    expect(seen.keys).toContain("SHUB_FIFO_PATH");
    expect(seen.keys).not.toContain("TRAWLER_TEST_SECRET");
    expect(seen.keys).not.toContain("TRAWLER_TEST_DATABASE_URL");
    expect(seen.jobDir).toContain(t.config.dataDir);
  });

  it("ends failed on a non-zero exit and keeps the last log lines", async () => {
    const job = await schedule("fail");
    const done = (await t.waitForJob(job.key)) as Job;
    expect(done.outcome).toBe("failed");
    expect(done.exitCode).toBe(3);
    expect(done.items).toBe(1);
    const logs = await t.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs?level=error`);
    const messages = logs.body.logs.map((l) => l.message);
    expect(messages).toContain("Traceback: something broke");
    expect(messages.at(-1)).toMatch(/exit code 3/);
  });

  it("survives garbage on the channel and keeps the valid items", async () => {
    const job = await schedule("garbage");
    const done = (await t.waitForJob(job.key)) as Job;
    expect(done.outcome).toBe("finished");
    const items = await t.api<{ items: { data: Record<string, unknown> }[] }>("GET", `/api/v1/jobs/${job.key}/items`);
    expect(items.body.items.map((i) => i.data)).toEqual([{ ok: 1 }, { ok: 2 }, { bare: "object item" }]);
    const warnings = await t.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs?level=warning`);
    expect(warnings.body.logs.filter((l) => l.message.startsWith("Malformed channel line")).length).toBeGreaterThanOrEqual(5);
    const all = await t.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs`);
    expect(all.body.logs.some((l) => l.message.includes("\uFFFD"))).toBe(true);
  });

  it("drops an item over the size limit with an error line, and continues", async () => {
    const job = await schedule("huge", { bytes: "200000" });
    const done = (await t.waitForJob(job.key)) as Job;
    expect(done.outcome).toBe("finished");
    expect(done.items).toBe(2);
    expect(done.itemsDropped).toBe(2);
    const errors = await t.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs?level=error`);
    expect(errors.body.logs.filter((l) => /^Item of \d+ bytes dropped/.test(l.message))).toHaveLength(2);
  });

  it("ends failed with a clear log line when the command cannot start", async () => {
    const { body: project } = await t.api<{ id: number }>("GET", "/api/v1/projects/contract");
    // Point the emit spider of a fresh version at a command that does not exist.
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-bad-"));
    fs.writeFileSync(path.join(dir, "trawler.json"), JSON.stringify({ spiders: { ghost: { command: ["/nonexistent/bin/spider"] } } }));
    await t.deployFixture("contract", dir);
    const job = await schedule("ghost");
    const done = (await t.waitForJob(job.key)) as Job;
    expect(done.outcome).toBe("failed");
    const logs = await t.api<{ logs: { message: string }[] }>("GET", `/api/v1/jobs/${job.key}/logs`);
    expect(logs.body.logs.map((l) => l.message).join("\n")).toMatch(/nonexistent/);
    expect(project.id).toBeGreaterThan(0);
    await t.deployFixture("contract");
  });
});
