// Webhooks against a real receiver on 127.0.0.1: rule matching, JSON payload and signature,
// retries with back-off (500 then 200), the delivery log through the API, and refused
// destinations (RELIABILITY B20). Outcomes are recorded the way the queue does it: the job row
// is finished and recordOutcomeDeliveries runs in the same transaction.

import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { recordOutcomeDeliveries } from "../src/alerts/outbox.ts";
import { eachDialect, startTestServer, type TestServer } from "./helpers/testServer.ts";

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

interface Delivery {
  state: string;
  attempts: number;
  lastStatus: number | null;
  job: string;
  outcome: string;
  log: { attempt: number; status: number | null; at: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

eachDialect("webhooks", (dialect) => {
  let t: TestServer;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];
  /** Status codes to answer per path, in order; then 200. */
  const script = new Map<string, number[]>();
  let ids: { projectId: number; spiderId: number; versionId: number };

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ path: req.url ?? "", headers: req.headers, body, at: Date.now() });
        res.statusCode = script.get(req.url ?? "")?.shift() ?? 200;
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    t = await startTestServer(dialect, { slots: 1, allowPrivateWebhooks: true, webhookRetryBaseMs: 300, webhookMaxAttempts: 3 });
    const { projectId, versionId } = await t.deployFixture("hooks");
    const spider = await t.store.db.selectFrom("spiders").select("id").where("project_id", "=", projectId).where("name", "=", "emit").executeTakeFirstOrThrow();
    ids = { projectId, versionId, spiderId: spider.id };
  });
  afterAll(async () => {
    await t.stop();
    await new Promise((r) => receiver.close(r));
  });

  let jobNumber = 1000;
  /** Ends a job with `outcome` exactly as the queue's finishing transactions do. */
  async function finishJob(outcome: string): Promise<number> {
    return t.store.db.transaction().execute(async (trx) => {
      const job = await trx
        .insertInto("jobs")
        .values({
          project_id: ids.projectId,
          spider_id: ids.spiderId,
          number: jobNumber++,
          version_id: ids.versionId,
          state: "finished",
          outcome,
          priority: 2,
          args: '{"a":"1"}',
          settings: "{}",
          tags: '["x"]',
          queued_at: t.store.now(),
          created_at: t.store.now(),
          finished_at: t.store.now(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordOutcomeDeliveries(trx, { id: job.id, projectId: ids.projectId, outcome }, t.store.now());
      return job.id;
    });
  }

  const addHook = async (suffix: string, rule?: unknown, secret?: string) => {
    const res = await t.api<{ id: number; hasSecret: boolean }>("POST", "/api/v1/projects/hooks/webhooks", { url: base + suffix, rule, secret });
    expect(res.status).toBe(201);
    return res.body;
  };
  const deliveries = async (id: number) => (await t.api<{ deliveries: Delivery[] }>("GET", `/api/v1/webhooks/${id}/deliveries`)).body.deliveries;

  it("refuses non-http(s) and private destinations with forbidden_destination", async () => {
    t.config.allowPrivateWebhooks = false;
    try {
      for (const url of [
        "http://127.0.0.1:5432/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "http://[::1]:6800/",
        "http://10.1.2.3/",
        "http://2130706433/",
        "http://localhost:6800/",
        "ftp://example.com/x",
      ]) {
        const res = await t.api<{ error: string }>("POST", "/api/v1/projects/hooks/webhooks", { url });
        expect([url, res.status, res.body.error]).toEqual([url, 400, "forbidden_destination"]);
      }
    } finally {
      t.config.allowPrivateWebhooks = true;
    }
    expect((await t.api<{ error: string }>("POST", "/api/v1/projects/hooks/webhooks", { url: "not a url" })).body.error).toBe("invalid_url");
    expect((await t.api<{ error: string }>("POST", "/api/v1/projects/hooks/webhooks", { url: base, rule: { outcomes: [] } })).body.error).toBe("invalid_rule");
    expect((await t.api<{ error: string }>("POST", "/api/v1/projects/nope/webhooks", { url: base })).body.error).toBe("project_not_found");
  });

  it("posts matching outcomes as signed JSON and keeps a delivery log", async () => {
    const failedOnly = await addHook("/failed-only", { outcomes: ["failed"] });
    const notFinished = await addHook("/not-finished", { notOutcomes: ["finished"] });
    const all = await addHook("/all", undefined, "s3cret-key");
    expect(all.hasSecret).toBe(true);
    const failedJob = await finishJob("failed");
    await finishJob("finished");
    await finishJob("cancelled");
    await until("6 deliveries", async () => (received.length >= 6 ? true : undefined));
    await sleep(300);
    const byPath = (p: string) => received.filter((r) => r.path === p).map((r) => JSON.parse(r.body) as { event: string; job: { outcome: string; id: number } });
    expect(byPath("/failed-only").map((b) => b.job.outcome)).toEqual(["failed"]);
    expect(byPath("/not-finished").map((b) => b.job.outcome).sort()).toEqual(["cancelled", "failed"]);
    expect(byPath("/all").map((b) => b.job.outcome).sort()).toEqual(["cancelled", "failed", "finished"]);
    const first = received.find((r) => r.path === "/failed-only")!;
    expect(first.headers["content-type"]).toBe("application/json");
    expect(first.headers["x-trawler-event"]).toBe("job.finished");
    expect(JSON.parse(first.body)).toMatchObject({
      event: "job.finished",
      job: { id: failedJob, outcome: "failed", spider: "emit", project: { name: "hooks" }, args: { a: "1" }, tags: ["x"], state: "finished" },
    });
    for (const r of received.filter((x) => x.path === "/all"))
      expect(r.headers["x-trawler-signature"]).toBe(`sha256=${createHmac("sha256", "s3cret-key").update(r.body).digest("hex")}`);
    const log = await deliveries(failedOnly.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ state: "delivered", attempts: 1, lastStatus: 200, outcome: "failed" });
    expect(await deliveries(notFinished.id)).toHaveLength(2);
    const listed = await t.api<{ webhooks: { id: number }[] }>("GET", "/api/v1/projects/hooks/webhooks");
    expect(listed.body.webhooks.map((w) => w.id)).toEqual(expect.arrayContaining([failedOnly.id, notFinished.id, all.id]));
    for (const h of [failedOnly, notFinished, all]) expect((await t.api("DELETE", `/api/v1/webhooks/${h.id}`)).status).toBe(204);
    expect((await t.api<{ error: string }>("GET", `/api/v1/webhooks/${all.id}/deliveries`)).body.error).toBe("webhook_not_found");
  });

  it("retries with exponential back-off until the receiver accepts, or gives up after the last attempt", async () => {
    script.set("/flaky", [500, 503]);
    script.set("/down", [500, 500, 500, 500]);
    const flaky = await addHook("/flaky");
    const down = await addHook("/down");
    await finishJob("failed");
    const ok = await until("flaky delivered", async () => (await deliveries(flaky.id)).find((d) => d.state === "delivered"));
    expect(ok.attempts).toBe(3);
    expect(ok.log.map((a) => a.status)).toEqual([500, 503, 200]);
    const gone = await until("down failed", async () => (await deliveries(down.id)).find((d) => d.state === "failed"));
    expect(gone).toMatchObject({ attempts: 3, lastStatus: 500 });
    // Back-off: 300 ms, then 600 ms (database time, so allow for tick granularity).
    const at = received.filter((r) => r.path === "/flaky").map((r) => r.at);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(250);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(550);
    expect(at[2]! - at[1]!).toBeGreaterThan(at[1]! - at[0]!);
  });

  // Runs once the queue calls recordOutcomeDeliveries when a real job ends (complete.ts).
  const wired = fs.readFileSync(path.resolve(import.meta.dirname, "../src/queue/sql/complete.ts"), "utf8").includes("recordOutcomeDeliveries");
  it.runIf(wired)("announces a real job's failure", async () => {
    const hook = await addHook("/real", { outcomes: ["failed"] });
    const t2 = await t.api<{ key: string }>("POST", "/api/v1/jobs", { project: "hooks", spider: "fail" });
    expect(t2.status).toBe(201);
    const d = await until("real delivery", async () => (await deliveries(hook.id))[0], 20_000);
    expect(d.job).toBe(t2.body.key);
  });
});
