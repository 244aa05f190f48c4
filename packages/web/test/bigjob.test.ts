// Benchmark (reported, not asserted on time): the first screen of a job with 1,000,000 items and
// 1,000,000 log lines. The rows are written straight into the SQLite store with one generated
// INSERT each (the ingestion path has its own benchmarks); the dashboard must not wait on anything
// that grows with the job. TRAWLER_WEB_BENCH_ROWS changes the size.

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, HAS_CHROMIUM, launchBrowser, startDashboard, type Browser, type Dashboard } from "./helpers/dashboard.ts";

const ROWS = Number(process.env.TRAWLER_WEB_BENCH_ROWS ?? 1_000_000);

describe.skipIf(!HAS_CHROMIUM)(`dashboard with a ${ROWS.toLocaleString("en-US")}-item, ${ROWS.toLocaleString("en-US")}-line job`, () => {
  let d: Dashboard;
  let b: Browser;
  let key = "";

  beforeAll(async () => {
    [d, b] = await Promise.all([startDashboard(), launchBrowser()]);
    await d.deploy("big", path.join(FIXTURES, "spiders"));
    const job = await d.api<{ key: string; id: number }>("POST", "/api/v1/jobs", { project: "big", spider: "slow", args: { seconds: "0" } });
    key = job.key;
    await d.waitForJob(key, "finished");
    const db = d.server.store.sqlite;
    if (!db) throw new Error("the benchmark writes to SQLite directly");
    const t0 = performance.now();
    const counts = db.prepare("select items_count as items, log_count as logs from jobs where id = ?").get(job.id) as { items: number; logs: number };
    db.transaction(() => {
      db.prepare(
        `insert into items (job_id, seq, attempt, data)
         with recursive c(x) as (select 1 union all select x + 1 from c where x < ?)
         select ?, ? + x, 1, json_object('n', x, 'title', 'item ' || x, 'url', 'https://shop.example/p/' || x, 'price', x % 500, 'tags', json_array('a', 'b')) from c`,
      ).run(ROWS, job.id, counts.items);
      db.prepare(
        `insert into log_lines (job_id, seq, attempt, time, level, message)
         with recursive c(x) as (select 1 union all select x + 1 from c where x < ?)
         select ?, ? + x, 1, 1700000000000 + x, case when x % 1000 = 0 then 40 else 20 end, 'line ' || x || ' of the big job' from c`,
      ).run(ROWS, job.id, counts.logs);
      db.prepare(
        "update jobs set items_count = items_count + ?, log_count = log_count + ?, log_info = log_info + ?, log_error = log_error + ? where id = ?",
      ).run(ROWS, ROWS, ROWS - Math.floor(ROWS / 1000), Math.floor(ROWS / 1000), job.id);
    })();
    console.log(`bigjob: wrote ${ROWS} items and ${ROWS} log lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await d?.stop();
  });

  const firstScreen = async (url: string, testId: string) => {
    const t0 = performance.now();
    await b.page.goto(url);
    await b.page.getByTestId(testId).first().waitFor();
    return performance.now() - t0;
  };

  it("shows the first screen of items, of the log and of a far page quickly", async () => {
    const api: Record<string, number> = {};
    for (const [name, url] of [["job", ""], ["items", "/items?limit=100"], ["logs", "/logs?limit=5000"]] as const) {
      const t0 = performance.now();
      await (await fetch(`${d.server.url}/api/v1/jobs/${key}${url}`)).text();
      api[name] = performance.now() - t0;
    }
    console.log(`bigjob API (ms): ${Object.entries(api).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
    const times = {
      items: await firstScreen(`${d.url}/jobs/${key}/items`, "item-row"),
      itemsPage5000: await firstScreen(`${d.url}/jobs/${key}/items?page=5000&size=100`, "item-row"),
      log: await firstScreen(`${d.url}/jobs/${key}/logs`, "log-line"),
      logTail: await firstScreen(`${d.url}/jobs/${key}/logs?from=${ROWS - 100}`, "log-line"),
      overview: await firstScreen(`${d.url}/jobs/${key}`, "outcome-meaning"),
    };
    expect(await b.page.getByTestId("job-counts").textContent()).toContain(`${ROWS.toLocaleString("en-US")} items`);
    console.log(`bigjob first screen (ms, page load to first row, rows=${ROWS}): ${Object.entries(times).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
    // The log list is virtualised: a page of 5,000 lines puts only the visible rows in the DOM.
    await b.page.goto(`${d.url}/jobs/${key}/logs`);
    await b.page.getByTestId("log-line").first().waitFor();
    expect(await b.page.getByTestId("log-line").count()).toBeLessThan(200);
  });
});
