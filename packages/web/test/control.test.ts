// Job supervision from the dashboard: pause and resume a running job (two runs), rerun it, read its
// metrics; create, disable and delete a cron schedule on the Schedules page.

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, HAS_CHROMIUM, launchBrowser, screenshot, startDashboard, type Browser, type Dashboard } from "./helpers/dashboard.ts";

interface JobJson {
  key: string;
  state: string;
  outcome: string | null;
}

describe.skipIf(!HAS_CHROMIUM)("dashboard job control and schedules", () => {
  let d: Dashboard;
  let b: Browser;

  beforeAll(async () => {
    [d, b] = await Promise.all([startDashboard(), launchBrowser()]);
    await d.deploy("ctl", path.join(FIXTURES, "spiders"));
  });
  afterAll(async () => {
    await b?.close();
    await d?.stop();
  });

  it("pauses and resumes a running job, shows both runs, then reruns it", async () => {
    const { page } = b;
    const job = await d.api<JobJson>("POST", "/api/v1/jobs", { project: "ctl", spider: "slow", args: { seconds: "60" } });
    await d.waitForJob(job.key, "running");
    await page.goto(`${d.url}/jobs/${job.key}`);
    const state = page.getByTestId("state").first();
    await state.filter({ hasText: "running" }).waitFor();
    await page.getByRole("button", { name: "Pause" }).click();
    await state.filter({ hasText: "paused" }).waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Resume" }).click();
    await state.filter({ hasText: "running" }).waitFor({ timeout: 20_000 });
    await page.getByTestId("run").nth(1).waitFor();
    await screenshot(page, "job-runs");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByTestId("outcome").filter({ hasText: "cancelled" }).waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: "Rerun" }).click();
    await page.waitForURL((u) => !u.pathname.endsWith(job.key) && /\/jobs\/\d+\/\d+\/\d+$/.test(u.pathname));
    const rerun = new URL(page.url()).pathname.replace("/jobs/", "");
    const fresh = await d.api<JobJson & { args: Record<string, string> }>("GET", `/api/v1/jobs/${rerun}`);
    expect(fresh.args).toEqual({ seconds: "60" });
    await d.api("POST", `/api/v1/jobs/${rerun}/cancel`);
  });

  it("shows a job's metrics", async () => {
    const { page } = b;
    const job = await d.api<JobJson>("POST", "/api/v1/jobs", { project: "ctl", spider: "slow", args: { seconds: "4" } });
    await d.waitForJob(job.key, "finished");
    await page.goto(`${d.url}/jobs/${job.key}/metrics`);
    await page.getByText("Items / min").waitFor();
    await page.getByRole("img", { name: "CPU chart" }).locator("canvas").waitFor();
    await screenshot(page, "job-metrics");
  });

  it("creates, disables and deletes a schedule", async () => {
    const { page } = b;
    page.on("dialog", (dlg) => void dlg.accept());
    await page.goto(`${d.url}/p/ctl/schedules`);
    const form = page.getByRole("form", { name: "New schedule" });
    await form.getByLabel("Cron").fill("*/5 * * * *");
    await form.getByLabel("Arguments").fill("seconds=1");
    await form.getByRole("button", { name: "Create schedule" }).click();
    const table = page.getByRole("table", { name: "Schedules" });
    const row = table.locator("[data-schedule]").first();
    await row.getByText("*/5 * * * *").waitFor();
    expect(await row.getByTestId("next-fires").locator("div").count()).toBe(3);
    await screenshot(page, "schedules");
    const [schedule] = (await d.api<{ schedules: { id: number; enabled: boolean }[] }>("GET", "/api/v1/projects/ctl/schedules")).schedules;
    await row.getByRole("switch").click({ force: true });
    await row.getByText("disabled").waitFor();
    expect((await d.api<{ enabled: boolean }>("GET", `/api/v1/schedules/${schedule!.id}`)).enabled).toBe(false);
    await row.getByRole("button", { name: "Delete" }).click();
    await page.getByText("No schedules yet.").waitFor();
  });
});
