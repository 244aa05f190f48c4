// `npm run bench:crawl`: the same crawl of the local shop site with the Trawler SDK (in memory
// and with a job directory), bare undici loops, Crawlee's CheerioCrawler and Scrapy; prints
// pages/s, peak RSS, CPU seconds and the ratios the SDK issue sets as targets.
//
//   npm run bench:crawl -- [--pages 10000] [--latency 0,50] [--concurrency 16,64] [--runs 1]
//                          [--systems trawler,undici,crawlee,scrapy] [--full]
//
// Scrapy and Crawlee take minutes per run, so by default they run at latency 0 only, and
// Crawlee with its default (file) storage only at the first concurrency; --full runs all.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startSite } from "./crawl/site.ts";
import { REPO, SYSTEMS, type RunResult } from "./crawl/systems.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

const pages = Number(flag("pages", "10000"));
const latencies = list(flag("latency", "0,50")).map(Number);
const concurrencies = list(flag("concurrency", "16,64")).map(Number);
const runs = Number(flag("runs", "1"));
const only = list(flag("systems", ""));
const full = process.argv.includes("--full");
const SLOW = new Set(["crawlee (default storage)", "crawlee (memory storage)", "scrapy"]);
const SLOWEST = "crawlee (default storage)";

const siteScript = [
  path.resolve(REPO, "../shared/bench/site.mjs"),
  path.join(REPO, "packages/sdk/test/fixtures/site.mjs"),
].find((p) => fs.existsSync(p));
if (!siteScript) throw new Error("site.mjs not found");

interface Row {
  system: string;
  latency: number;
  concurrency: number;
  pages: number;
  pagesPerS: number;
  rssMb: number;
  cpuS: number;
  note?: string;
}
const rows: Row[] = [];
const median = <T>(xs: T[], key: (x: T) => number): T =>
  [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)] as T;

for (const latency of latencies) {
  const site = await startSite(siteScript, pages, latency);
  for (const concurrency of concurrencies) {
    for (const sys of SYSTEMS) {
      if (only.length > 0 && !only.some((o) => sys.id.startsWith(o))) continue;
      if (!full && latency > 0 && SLOW.has(sys.id)) continue;
      if (!full && sys.id === SLOWEST && concurrency !== concurrencies[0]) continue;
      const why = sys.unavailable();
      if (why) {
        rows.push({
          system: sys.id,
          latency,
          concurrency,
          pages: 0,
          pagesPerS: NaN,
          rssMb: NaN,
          cpuS: NaN,
          note: `skipped: ${why}`,
        });
        continue;
      }
      const samples: Array<RunResult & { served: number }> = [];
      for (let r = 0; r < runs; r++) {
        await site.reset();
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-crawl-"));
        const res = await sys.run(site.url, concurrency, tmp);
        const served = await site.served();
        fs.rmSync(tmp, { recursive: true, force: true });
        if (res.code !== 0) process.stderr.write(`${sys.id} exited with ${res.code}: ${res.stderr.slice(-2000)}\n`);
        samples.push({ ...res, served });
      }
      const m = median(samples, (s) => s.served / s.crawlS);
      const row: Row = {
        system: sys.id,
        latency,
        concurrency,
        pages: m.served,
        pagesPerS: m.served / m.crawlS,
        rssMb: m.peakRssMb,
        cpuS: m.cpuS,
      };
      if (m.served !== pages) row.note = `fetched ${m.served} of ${pages} pages`;
      rows.push(row);
      process.stderr.write(
        `${sys.id.padEnd(28)} latency ${latency} ms, concurrency ${concurrency}: ${row.pagesPerS.toFixed(0)} pages/s, ${row.rssMb.toFixed(0)} MB, ${row.cpuS.toFixed(1)} CPU s\n`,
      );
    }
  }
  site.stop();
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");
console.log(
  `\nCrawl benchmark: ${pages} pages, ${runs} run(s) each (median), ${os.cpus().length} CPUs, node ${process.version}\n`,
);
console.log("| crawler | latency ms | concurrency | pages | pages/s | peak RSS MB | CPU s | note |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows)
  console.log(
    `| ${r.system} | ${r.latency} | ${r.concurrency} | ${r.pages} | ${fmt(r.pagesPerS)} | ${fmt(r.rssMb)} | ${fmt(r.cpuS, 1)} | ${r.note ?? ""} |`,
  );

console.log("\nRatios (target in brackets):");
const get = (system: string, latency: number, concurrency: number) =>
  rows.find(
    (r) =>
      r.system === system && r.latency === latency && r.concurrency === concurrency && !r.note?.startsWith("skipped"),
  );
for (const latency of latencies)
  for (const concurrency of concurrencies) {
    const mem = get("trawler (memory)", latency, concurrency);
    if (!mem) continue;
    const ratio = (other: string, target: string) => {
      const o = get(other, latency, concurrency);
      return o ? `${(mem.pagesPerS / o.pagesPerS).toFixed(2)}× ${other} [${target}]` : `${other}: not run`;
    };
    // CPU seconds per page do not depend on what else the machine runs; pages/s do.
    const cpuRatio = (other: string) => {
      const o = get(other, latency, concurrency);
      return o ? ` (CPU per page ${(o.cpuS / o.pages / (mem.cpuS / mem.pages)).toFixed(1)}× less)` : "";
    };
    const parts = [ratio("undici+cheerio-h2", "≥ 0.8") + cpuRatio("undici+cheerio-h2")];
    if (latency === 0)
      parts.push(
        ratio("scrapy", "≥ 10") + cpuRatio("scrapy"),
        ratio("crawlee (memory storage)", "≥ 5") + cpuRatio("crawlee (memory storage)"),
      );
    else
      parts.push(
        `${(mem.pagesPerS / (concurrency / (latency / 1000))).toFixed(2)} of the ${concurrency / (latency / 1000)} pages/s the concurrency allows [≥ 0.9]`,
      );
    const jd = get("trawler (job dir)", latency, concurrency);
    if (jd) parts.push(`job dir ${(jd.pagesPerS / mem.pagesPerS).toFixed(2)}× in-memory [≥ 0.7]`);
    parts.push(`peak RSS ${fmt(mem.rssMb)} MB${jd ? ` / ${fmt(jd.rssMb)} MB` : ""} [< 250]`);
    console.log(`- latency ${latency} ms, concurrency ${concurrency}: ${parts.join("; ")}`);
  }
