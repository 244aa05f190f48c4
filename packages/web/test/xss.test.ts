// Everything a spider scraped or a user typed is text: items, log lines, request URLs, stats,
// outcomes, arguments and tags full of markup and javascript: URLs never run in the dashboard.

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, HAS_CHROMIUM, launchBrowser, screenshot, startDashboard, type Browser, type Dashboard } from "./helpers/dashboard.ts";

const SCRIPT = "<script>window.__xss=1</script>";
const IMG = '<img src=x onerror="window.__xss=1">';

describe.skipIf(!HAS_CHROMIUM)("dashboard XSS safety", () => {
  let d: Dashboard;
  let b: Browser;
  let key = "";

  beforeAll(async () => {
    [d, b] = await Promise.all([startDashboard(), launchBrowser()]);
    await d.deploy("xssproj", path.join(FIXTURES, "spiders"));
    key = (await d.api<{ key: string }>("POST", "/api/v1/jobs", { project: "xssproj", spider: "xss", args: { q: SCRIPT, u: "javascript:window.__xss=1" }, tags: [IMG] })).key;
    await d.waitForJob(key, "finished");
  });
  afterAll(async () => {
    await b?.close();
    await d?.stop();
  });

  const noXss = async () => {
    expect(await b.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    // No element was made from scraped markup, and no link goes to javascript:.
    expect(await b.page.locator('img[src="x"]').count()).toBe(0);
    expect(await b.page.locator('a[href^="javascript:" i], a[href^=" javascript:" i]').count()).toBe(0);
  };

  it("serves the dashboard with a strict Content-Security-Policy", async () => {
    const res = await fetch(d.url + "/jobs/1/1/1");
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("shows item fields, nested values and URLs as text", async () => {
    const { page } = b;
    await page.goto(`${d.url}/jobs/${key}/items`);
    const table = page.getByTestId("items-table");
    await table.getByText(SCRIPT, { exact: true }).waitFor();
    await table.getByText(IMG, { exact: true }).first().waitFor();
    await table.getByText(`${IMG}${SCRIPT}`, { exact: true }).waitFor();
    await table.getByRole("columnheader", { name: IMG }).waitFor();
    await table.getByText("javascript:window.__xss=1", { exact: true }).waitFor();
    // The one real http(s) URL is a link, opened without opener or referrer.
    const ok = table.getByRole("link", { name: "https://example.com/ok" });
    expect(await ok.getAttribute("rel")).toBe("noopener noreferrer nofollow");
    await noXss();
    await screenshot(page, "xss-items");
  });

  it("shows log lines, request URLs, stats and the outcome as text", async () => {
    const { page } = b;
    await page.goto(`${d.url}/jobs/${key}/logs`);
    await page.getByTestId("log-line").filter({ hasText: `log ${SCRIPT}` }).waitFor();
    await page.getByTestId("log-line").filter({ hasText: `error ${IMG}` }).waitFor();
    await noXss();
    await page.goto(`${d.url}/jobs/${key}/requests`);
    await page.getByRole("table", { name: "Requests" }).getByText("javascript:window.__xss=1").waitFor();
    await noXss();
    await page.goto(`${d.url}/jobs/${key}/stats`);
    await page.getByRole("table", { name: "Stats" }).getByText(SCRIPT).waitFor();
    await noXss();
    await page.goto(`${d.url}/jobs/${key}`);
    await page.getByTestId("outcome-meaning").filter({ hasText: `banned ${IMG}` }).waitFor();
    await page.getByText(`q=${SCRIPT}`).waitFor();
    await noXss();
  });

  it("shows arguments, tags and outcomes in the jobs table as text, and ignores markup typed in the search bar", async () => {
    const { page } = b;
    await page.goto(`${d.url}/p/xssproj`);
    const row = page.getByTestId("jobs-completed").locator(`[data-job="${key}"]`);
    await row.getByText(IMG).first().waitFor();
    expect(await row.textContent()).toContain(`q=${SCRIPT}`);
    const search = page.getByRole("textbox", { name: "Search projects, spiders and jobs" });
    await search.fill(SCRIPT);
    await search.press("Enter");
    await noXss();
    expect(b.errors.filter((e) => !/404|Not Found/i.test(e))).toEqual([]);
  });
});
