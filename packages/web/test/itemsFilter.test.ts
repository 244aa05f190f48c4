// The Items tab filters and sorts on the server: filters typed into the filter row (the second one
// keyboard-only), a column-header sort, keyset Next/Previous, filters kept in the URL, and a download
// with the same filters, all checked against the API.

import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, HAS_CHROMIUM, launchBrowser, screenshot, startDashboard, type Browser, type Dashboard } from "./helpers/dashboard.ts";

type Page = { items: { seq: number; data: Record<string, unknown> }[]; nextCursor: string | null; nextAfter: number | null };

describe.skipIf(!HAS_CHROMIUM)("items filter and sort in Chromium", () => {
  let d: Dashboard;
  let b: Browser;
  let key = "";

  beforeAll(async () => {
    [d, b] = await Promise.all([startDashboard(), launchBrowser()]);
    await d.deploy("filtertest", path.join(FIXTURES, "spiders"));
    key = (await d.api<{ key: string }>("POST", "/api/v1/jobs", { project: "filtertest", spider: "shop" })).key;
    await d.waitForJob(key, "finished");
  });
  afterAll(async () => {
    await b?.close();
    await d?.stop();
  });

  const apiPage = (params: [string, string][]) =>
    d.api<Page>("GET", `/api/v1/jobs/${key}/items?${new URLSearchParams(params).toString()}`);
  /** The item numbers in the table, in order. */
  const shownSeqs = () =>
    b.page.getByTestId("item-row").evaluateAll((rows) => rows.map((r) => Number(r.querySelector("td")?.textContent?.replace(/,/g, ""))));

  it("filters and sorts every item on the server, pages with Next/Previous, and keeps it in the URL", async () => {
    const { page } = b;
    await page.goto(`${d.url}/jobs/${key}/items?size=50`);
    await page.getByTestId("item-row").first().waitFor();
    expect(await page.getByTestId("item-row").count()).toBe(50);

    // First filter with the mouse: price > 40.
    await page.getByRole("textbox", { name: "Filter field" }).fill("price");
    await page.keyboard.press("Escape");
    await page.getByRole("combobox", { name: "Operator" }).selectOption("gt");
    await page.getByRole("textbox", { name: "Value" }).fill("40");
    await page.getByTestId("item-filter-add").click();
    await page.getByRole("button", { name: 'Remove filter price > "40"' }).waitFor();

    // Second filter from the keyboard only: name contains "lamp", then Enter.
    await page.getByRole("textbox", { name: "Filter field" }).focus();
    await page.keyboard.press("Control+A"); // the field keeps the last one used, for ranges like price > 10, price < 50
    await page.keyboard.type("name");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    await page.getByRole("combobox", { name: "Operator" }).selectOption("contains");
    await page.keyboard.press("Tab");
    await page.keyboard.type("LAMP");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: 'Remove filter name contains "LAMP"' }).waitFor();
    expect(new URL(page.url()).searchParams.getAll("filter")).toEqual(["price:gt:40", "name:contains:LAMP"]);

    const filters: [string, string][] = [["filter", "price:gt:40"], ["filter", "name:contains:LAMP"]];
    const filtered = await apiPage([...filters, ["limit", "1000"]]);
    expect(filtered.items.length).toBeGreaterThan(50); // more than one page matches
    await expect.poll(shownSeqs).toEqual(filtered.items.slice(0, 50).map((i) => i.seq));
    for (const it of filtered.items) {
      expect(it.data.price as number).toBeGreaterThan(40);
      expect(String(it.data.name).toLowerCase()).toContain("lamp");
    }

    // Sort by price from the column header: ascending, then descending.
    const header = page.getByRole("columnheader", { name: "price" });
    await header.getByRole("button").click();
    await expect.poll(() => header.getAttribute("aria-sort")).toBe("ascending");
    await header.getByRole("button").click();
    await expect.poll(() => header.getAttribute("aria-sort")).toBe("descending");
    expect(new URL(page.url()).searchParams.get("sort")).toBe("-price");

    const first = await apiPage([...filters, ["sort", "-price"], ["limit", "50"]]);
    const second = await apiPage([...filters, ["sort", "-price"], ["limit", "50"], ["cursor", first.nextCursor!]]);
    await expect.poll(shownSeqs).toEqual(first.items.map((i) => i.seq));
    await screenshot(page, "job-items-filtered");
    await page.getByTestId("items-next").click();
    await expect.poll(shownSeqs).toEqual(second.items.map((i) => i.seq));
    // The API's sorted pages, walked to the end, hold every match once, in price order.
    const all = [...first.items];
    for (let cursor = first.nextCursor; cursor; ) {
      const p = await apiPage([...filters, ["sort", "-price"], ["limit", "50"], ["cursor", cursor]]);
      all.push(...p.items);
      cursor = p.nextCursor;
    }
    expect(all.slice(50, 100)).toEqual(second.items);
    expect(new Set(all.map((i) => i.seq)).size).toBe(filtered.items.length);
    const prices = all.map((i) => i.data.price as number);
    expect(prices).toEqual([...prices].sort((x, y) => y - x));
    await page.getByTestId("items-prev").click();
    await expect.poll(shownSeqs).toEqual(first.items.map((i) => i.seq));

    // The URL is shareable: a fresh load shows the same filters, sort and first page.
    await page.reload();
    await page.getByRole("button", { name: 'Remove filter name contains "LAMP"' }).waitFor();
    await expect.poll(shownSeqs).toEqual(first.items.map((i) => i.seq));

    // The download has the same filters and order as the API's export.
    await page.getByRole("button", { name: "Download" }).click();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-jsonl").click()]);
    const text = fs.readFileSync((await download.path())!, "utf8");
    const api = await (await fetch(`${d.server.url}/api/v1/jobs/${key}/items/export?format=jsonl&${new URLSearchParams([...filters, ["sort", "-price"]]).toString()}`)).text();
    expect(text).toBe(api);
    expect(text.trimEnd().split("\n")).toHaveLength(filtered.items.length);
    await page.keyboard.press("Escape");

    // Removing a filter widens the result again; a bad field shows the server's message.
    await page.getByRole("button", { name: 'Remove filter price > "40"' }).click();
    const lamps = await apiPage([["filter", "name:contains:LAMP"], ["sort", "-price"], ["limit", "50"]]);
    await expect.poll(shownSeqs).toEqual(lamps.items.map((i) => i.seq));
    await page.getByRole("textbox", { name: "Filter field" }).fill("nosuch");
    await page.keyboard.press("Escape");
    await page.getByRole("combobox", { name: "Operator" }).selectOption("exists");
    await page.getByTestId("item-filter-add").click();
    await page.getByRole("alert").filter({ hasText: "unknown field" }).waitFor();
    expect(b.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});
