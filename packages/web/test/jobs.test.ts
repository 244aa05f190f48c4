// The dashboard's main flows in a real browser against a real server: home, search bar, scheduling
// the demo spider and watching it go pending → running → finished, batch cancel, the job page tabs,
// and the items CSV download compared with the API's export. Saves screenshots to docs/screenshots.

import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, HAS_CHROMIUM, launchBrowser, screenshot, startDashboard, type Browser, type Dashboard } from "./helpers/dashboard.ts";

interface JobJson {
  key: string;
  state: string;
  outcome: string | null;
  items: number;
}

describe.skipIf(!HAS_CHROMIUM)("dashboard in Chromium", () => {
  let d: Dashboard;
  let b: Browser;
  const slow: string[] = [];
  let demoKey = "";

  beforeAll(async () => {
    [d, b] = await Promise.all([startDashboard({ demoSite: true }), launchBrowser()]);
    await d.deploy("webtest", path.join(FIXTURES, "spiders"));
  });
  afterAll(async () => {
    await b?.close();
    await d?.stop();
  });

  it("shows organizations and projects with their counts on the home page", async () => {
    const { page } = b;
    await page.goto(d.url + "/");
    await page.getByTestId("project-card").filter({ hasText: "demo" }).waitFor();
    await page.getByTestId("project-card").filter({ hasText: "webtest" }).waitFor();
    expect(await page.getByText("default").first().isVisible()).toBe(true);
    await screenshot(page, "home");
  });

  it("schedules the demo spider from the Schedule box and watches it go pending → running → finished", async () => {
    const { page } = b;
    // Fill every slot with long-running jobs so the new job has to wait in Pending.
    for (let i = 0; i < 4; i++) slow.push((await d.api<JobJson>("POST", "/api/v1/jobs", { project: "webtest", spider: "slow", tags: ["filler"] })).key);
    for (const k of slow) await d.waitForJob(k, "running");
    await page.goto(d.url + "/p/demo");
    const box = page.getByRole("form", { name: "Schedule" });
    await box.getByLabel("Arguments").fill(`start_url=${d.server.url}/demo/shop/`);
    await box.getByLabel("Tags").fill("from-ui");
    await box.getByLabel("Tags").press("Enter");
    await box.getByRole("button", { name: "Schedule" }).click();
    demoKey = (await page.getByTestId("scheduled-link").textContent())!.trim();
    expect(demoKey).toMatch(/^\d+\/\d+\/\d+$/);
    const pending = page.getByTestId("jobs-pending");
    await pending.locator(`[data-job="${demoKey}"]`).waitFor();
    expect(await pending.locator(`[data-job="${demoKey}"]`).textContent()).toContain("from-ui");

    // The webtest project's Running table, filtered by URL, shows the fillers; cancel them as a batch.
    await page.goto(d.url + "/p/webtest?spider=slow");
    const running = page.getByTestId("jobs-running");
    await running.locator("[data-job]").first().waitFor();
    await screenshot(page, "jobs");
    await page.getByLabel("Select all running jobs").check();
    await page.getByRole("button", { name: /Cancel 4 selected/ }).click();

    // The demo job gets a slot: watch its state on the job page until it finishes, items arriving.
    await page.goto(`${d.url}/jobs/${demoKey}`);
    const seen = new Set<string>();
    const counts: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const state = await page.getByTestId("state").first().textContent().catch(() => null);
      if (state) seen.add(state);
      counts.push((await page.getByTestId("job-counts").textContent().catch(() => "")) ?? "");
      if (state === "finished") break;
      await page.waitForTimeout(50);
    }
    expect(seen.has("finished")).toBe(true);
    expect(seen.has("running") || seen.has("pending")).toBe(true);
    const final = await d.api<JobJson>("GET", `/api/v1/jobs/${demoKey}`);
    expect(final.outcome).toBe("finished");
    expect(final.items).toBeGreaterThan(100);
    await page.getByTestId("job-counts").filter({ hasText: `${final.items.toLocaleString("en-US")} items` }).waitFor();
    expect(await page.getByTestId("outcome-meaning").textContent()).toContain("The job finished successfully");
    // The watchdogs' effective limits are on the job page (defaults here: 1024 MB soft, 1 h stall).
    await page.getByText(/memory 1024 MB soft, 1536 MB hard · time unlimited · stall after 1 h · cancel grace 5 min/).waitFor();
    await screenshot(page, "job-overview");
    for (const k of slow) expect((await d.waitForJob(k, "finished")).outcome).toBe("cancelled");
  });

  it("browses the items table and downloads a CSV equal to the API's export", async () => {
    const { page } = b;
    await page.goto(`${d.url}/jobs/${demoKey}/items`);
    const table = page.getByTestId("items-table");
    await table.getByTestId("item-row").first().waitFor();
    expect(await table.getByTestId("item-row").count()).toBe(100);
    for (const col of ["url", "name", "sku", "price"]) await table.getByRole("columnheader", { name: col, exact: true }).waitFor();
    await screenshot(page, "job-items");
    await page.getByRole("button", { name: "Download" }).click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    const file = await download.path();
    const csv = fs.readFileSync(file, "utf8");
    const api = await (await fetch(`${d.server.url}/api/v1/jobs/${demoKey}/items/export?format=csv`)).text();
    expect(csv).toBe(api);
    expect(csv.split("\n").length).toBeGreaterThan(100);
    // Page 2 via the URL: item numbers 101..200.
    await page.goto(`${d.url}/jobs/${demoKey}/items?page=2`);
    await table.getByTestId("item-row").first().filter({ hasText: "101" }).waitFor();
  });

  it("follows a running job's log live and cancels it from the job page", async () => {
    const { page } = b;
    const job = await d.api<JobJson>("POST", "/api/v1/jobs", { project: "webtest", spider: "slow" });
    await d.waitForJob(job.key, "running");
    await page.goto(`${d.url}/jobs/${job.key}/logs`);
    await page.getByTestId("live").waitFor();
    const lines = page.getByTestId("log-line");
    await lines.filter({ hasText: "tick 5" }).waitFor();
    await lines.filter({ hasText: "tick 15" }).waitFor();
    await screenshot(page, "job-logs");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByTestId("outcome").filter({ hasText: "cancelled" }).waitFor({ timeout: 20_000 });
    await lines.filter({ hasText: "stopping on SIGINT" }).waitFor();
    expect((await d.api<JobJson>("GET", `/api/v1/jobs/${job.key}`)).outcome).toBe("cancelled");
  });

  it("jumps to projects, spiders and job keys from the search bar", async () => {
    const { page } = b;
    await page.goto(d.url + "/");
    await page.keyboard.press("/");
    await page.keyboard.type("webtest/sl");
    await page.getByRole("option", { name: "Spider webtest/slow" }).click();
    await page.waitForURL(/\/p\/\d+\?spider=slow$/);
    const search = page.getByRole("textbox", { name: "Search projects, spiders and jobs" });
    await search.fill(demoKey);
    await search.press("Enter");
    await page.waitForURL(new RegExp(`/jobs/${demoKey}$`));
    await page.getByRole("heading", { name: demoKey }).waitFor();
  });

  it("shows the Spiders, Requests and Stats views", async () => {
    const { page } = b;
    await page.goto(`${d.url}/p/demo/spiders`);
    await page.getByRole("table", { name: "Spiders" }).getByText("shop", { exact: true }).waitFor();
    await screenshot(page, "spiders");
    await page.goto(`${d.url}/jobs/${demoKey}/requests?status=200`);
    await page.getByRole("table", { name: "Requests" }).getByText("/demo/shop/").first().waitFor();
    await page.goto(`${d.url}/jobs/${demoKey}/stats`);
    await page.getByRole("table", { name: "Stats" }).waitFor();
    expect(b.errors).toEqual([]);
  });
});
