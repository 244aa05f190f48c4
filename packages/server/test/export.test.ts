import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import ExcelJS from "exceljs";
import { FIXTURES } from "./helpers/testServer.ts";

const ITEMS = 100_000;
const PAD = 1000; // ~1 KB items: ~100 MB per export, far more than the memory the server may use for it

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

function resetPeak(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

describe("item export", () => {
  let child: ChildProcess;
  let url: string;
  let key: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-export-"));
    // The heap is capped: an export that held its output (100 MB of text, twice that as
    // JavaScript strings) would crash the server, whatever the garbage collector's timing.
    child = spawn(process.execPath, ["--max-old-space-size=160", "--import", "tsx", path.join(import.meta.dirname, "helpers/serverProcess.ts")], {
      env: { ...process.env, TRAWLER_PORT: "0", TRAWLER_DATA_DIR: dataDir, TRAWLER_LOG_LEVEL: "warn", TRAWLER_DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const first = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once("line", resolve));
    url = (JSON.parse(first) as { url: string }).url;
    const post = (p: string, body: unknown, type = "application/json") =>
      fetch(url + p, { method: "POST", headers: { "content-type": type }, body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
    await post("/api/v1/projects", { name: "contract" });
    const tar = await import("tar");
    const archive = path.join(dataDir, "p.tar.gz");
    await tar.c({ gzip: true, file: archive, cwd: path.join(FIXTURES, "contract-spiders") }, ["."]);
    expect((await post("/api/v1/projects/contract/versions", fs.readFileSync(archive), "application/gzip")).status).toBe(201);
    const job = (await (await post("/api/v1/jobs", { project: "contract", spider: "emit", args: { count: String(ITEMS), pad: String(PAD) } })).json()) as { key: string };
    key = job.key;
    for (;;) {
      const j = (await (await fetch(`${url}/api/v1/jobs/${key}`)).json()) as { state: string; items: number };
      if (j.state === "finished") {
        expect(j.items).toBe(ITEMS);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(() => {
    child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function download(format: string): Promise<{ text: string; peakMb: number; bytes: number }> {
    resetPeak(child.pid!);
    const before = peakRssMb(child.pid!);
    const res = await fetch(`${url}/api/v1/jobs/${key}/items/export?format=${format}`);
    expect(res.status).toBe(200);
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of res.body!) {
      chunks.push(Buffer.from(chunk));
      bytes += chunk.length;
    }
    const peakMb = peakRssMb(child.pid!) - before;
    console.log(`export ${format}: ${bytes} bytes, server peak RSS +${peakMb.toFixed(1)} MB`);
    return { text: Buffer.concat(chunks).toString("utf8"), peakMb, bytes };
  }

  it("streams JSON lines with bounded memory, and they round-trip", async () => {
    const { text, peakMb, bytes } = await download("jsonl");
    expect(bytes).toBeGreaterThan(ITEMS * PAD);
    expect(peakMb).toBeLessThan(100);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(ITEMS);
    const items = lines.map((l) => JSON.parse(l) as { n: number; formula?: string });
    expect(items.map((i) => i.n)).toEqual([...Array(ITEMS).keys()]);
    expect(items[7]!.formula).toBe('=HYPERLINK("http://x")');
  });

  it("streams JSON with bounded memory", async () => {
    const { text, peakMb } = await download("json");
    expect(peakMb).toBeLessThan(100);
    const items = JSON.parse(text) as { n: number }[];
    expect(items).toHaveLength(ITEMS);
    expect(items[ITEMS - 1]!.n).toBe(ITEMS - 1);
  });

  it("streams an Excel workbook with bounded memory, and it reads back", async () => {
    resetPeak(child.pid!);
    const before = peakRssMb(child.pid!);
    const res = await fetch(`${url}/api/v1/jobs/${key}/items/export?format=xlsx`);
    expect(res.headers.get("content-type")).toMatch(/spreadsheetml/);
    const file = path.join(dataDir, "items.xlsx");
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), fs.createWriteStream(file));
    const peakMb = peakRssMb(child.pid!) - before;
    console.log(`export xlsx: ${fs.statSync(file).size} bytes, server peak RSS +${peakMb.toFixed(1)} MB`);
    expect(peakMb).toBeLessThan(100);
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: "cache", worksheets: "emit" });
    let rows = 0;
    let header: unknown[] = [];
    let row8: unknown[] = [];
    for await (const sheet of reader)
      for await (const row of sheet) {
        const values = (row.values as unknown[]).slice(1);
        if (rows === 0) header = values;
        if (rows === 8) row8 = values;
        rows++;
      }
    expect(rows).toBe(ITEMS + 1);
    expect(header).toEqual(["n", "title", "extra", "pad", "formula", "quote"]);
    expect(row8[0]).toBe(7);
    expect(row8[4]).toBe('=HYPERLINK("http://x")');
    expect(row8[5]).toBe('say "hi", ok\nnext');
  });

  it("streams CSV with the union of fields, neutralised formulas, and it round-trips", async () => {
    const { text, peakMb } = await download("csv");
    expect(peakMb).toBeLessThan(100);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(ITEMS);
    expect(Object.keys(rows[0]!)).toEqual(["n", "title", "extra", "pad", "formula", "quote"]);
    expect(rows[0]!.extra).toBe('{"nested":[0,"x"]}');
    expect(rows[1]!.extra).toBe("");
    expect(rows[7]!.formula).toBe(`'=HYPERLINK("http://x")`);
    expect(rows[7]!.quote).toBe('say "hi", ok\nnext');
    expect(rows[ITEMS - 1]!.n).toBe(String(ITEMS - 1));
  });

  it("keeps answering other requests while an export streams", async () => {
    const res = await fetch(`${url}/api/v1/jobs/${key}/items/export?format=jsonl`);
    const reader = res.body!.getReader();
    await reader.read();
    let exportDone = 0;
    const drained = (async () => {
      for (;;) if ((await reader.read()).done) break;
      exportDone = performance.now();
    })();
    // Read as fast as the socket allows, so the server never waits for a drain: only its own
    // turns of the event loop between pages let this request in before the export's end.
    const health = await fetch(`${url}/api/health`);
    const answered = performance.now();
    expect(health.status).toBe(200);
    await drained;
    expect(exportDone).toBeGreaterThan(answered);
  });
});
