// `npm run bench`: Trawler's platform benchmarks (issue 2), each printed as a ratio against a
// baseline measured in the same run (or, for Scrapyd, its published figures on this machine kind):
// dispatch latency, job start rate, item / log / stdout ingestion, and export of a large job.
// SQLite always; PostgreSQL too when TRAWLER_BENCH_DATABASE_URL or TRAWLER_TEST_DATABASE_URL is set.
//
//   npm run bench -- [--dispatch-jobs 200] [--start-jobs 200] [--items 1000000] [--logs 500000]
//                    [--slots 8] [--dialects sqlite,postgres] [--only dispatch,start,ingest,export]
//                    [--cpu-prof DIR]     (write the server's CPU profile per dialect into DIR)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBenchServer, type BenchServer, type DialectName } from "./platform/harness.ts";
import {
  dispatchLatency,
  httpExport,
  ingestion,
  quantile,
  startRate,
  type DispatchSamples,
} from "./platform/measures.ts";
import { rawExport, rawPostgresInsert, rawSpawn, rawSqliteInsert, type RawInsertResult } from "./platform/raw.ts";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

const dispatchJobs = Number(flag("dispatch-jobs", "200"));
const startJobs = Number(flag("start-jobs", "200"));
const nItems = Number(flag("items", "1000000"));
const nLogs = Number(flag("logs", "500000"));
const slots = Number(flag("slots", "8"));
const only = new Set(list(flag("only", "dispatch,start,ingest,export")));
const cpuProfDir = flag("cpu-prof", "") ? path.resolve(flag("cpu-prof", "")) : undefined;
const pgUrl = process.env.TRAWLER_BENCH_DATABASE_URL || process.env.TRAWLER_TEST_DATABASE_URL || undefined;
const dialects = list(flag("dialects", pgUrl ? "sqlite,postgres" : "sqlite")) as DialectName[];
if (dialects.includes("postgres") && !pgUrl)
  throw new Error("--dialects postgres needs TRAWLER_BENCH_DATABASE_URL or TRAWLER_TEST_DATABASE_URL");

// Published figures for Scrapyd 1.6 on this machine kind (issue 2).
const SCRAPYD = { toRunningMs: 2600, toFirstLogMs: 3000, jobsPerS: 1.7 };

interface Row {
  db: string;
  measure: string;
  value: string;
  target: string;
  baseline: string;
  ratio: string;
  result: "PASS" | "MISS" | "";
}
const rows: Row[] = [];
const misses: string[] = [];
const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

const ms = (x: number) => `${x.toFixed(1)} ms`;
const rate = (x: number, unit: string) => `${Math.round(x).toLocaleString("en-US")} ${unit}/s`;
function judge(ok: boolean, what: string): "PASS" | "MISS" {
  if (!ok) misses.push(what);
  return ok ? "PASS" : "MISS";
}

function dispatchRows(
  db: string,
  label: string,
  d: DispatchSamples,
  spawnBase: { processStart: number[]; firstLine: number[] } | undefined,
) {
  const med = (xs: number[]) => quantile(xs, 0.5);
  const p99 = (xs: number[]) => quantile(xs, 0.99);
  const n = d.firstLog.length;
  rows.push({
    db,
    measure: `${label}: schedule call answered (median / p99, ${n} jobs)`,
    value: `${ms(med(d.answered))} / ${ms(p99(d.answered))}`,
    target: "",
    baseline: "",
    ratio: "",
    result: "",
  });
  rows.push({
    db,
    measure: `${label}: schedule → job claimed (median / p99)`,
    value: `${ms(med(d.claimed))} / ${ms(p99(d.claimed))}`,
    target: "",
    baseline: "",
    ratio: "",
    result: "",
  });
  const ps = med(d.processStart);
  rows.push({
    db,
    measure: `${label}: schedule → spider process started (median / p99)`,
    value: `${ms(ps)} / ${ms(p99(d.processStart))}`,
    target: "median < 50 ms",
    baseline: `Scrapyd ${SCRAPYD.toRunningMs} ms`,
    ratio: `${(SCRAPYD.toRunningMs / ps).toFixed(0)}× faster`,
    result: judge(ps < 50, `${db} ${label} → process started, median ${ms(ps)}`),
  });
  if (d.firstLine.length && spawnBase) {
    const fl = med(d.firstLine);
    const base = med(spawnBase.firstLine);
    rows.push({
      db,
      measure: `${label}: schedule → spider's first line of code ran (median / p99)`,
      value: `${ms(fl)} / ${ms(p99(d.firstLine))}`,
      target: "",
      baseline: `bare spawn ${ms(base)}`,
      ratio: `+${ms(fl - base)} over bare spawn`,
      result: "",
    });
  }
  const fl = med(d.firstLog);
  rows.push({
    db,
    measure: `${label}: schedule → first log line stored (median / p99)`,
    value: `${ms(fl)} / ${ms(p99(d.firstLog))}`,
    target: "median < 150 ms",
    baseline: `Scrapyd ${SCRAPYD.toFirstLogMs} ms`,
    ratio: `${(SCRAPYD.toFirstLogMs / fl).toFixed(0)}× faster`,
    result: judge(fl < 150, `${db} ${label} → first log stored, median ${ms(fl)}`),
  });
}

function ingestRow(
  db: string,
  label: string,
  unit: string,
  perS: number,
  seconds: number,
  peak: number,
  raw: RawInsertResult,
  rawLabel: string,
) {
  const r = perS / raw.perS;
  rows.push({
    db,
    measure: `${label} (${seconds.toFixed(1)} s; server peak RSS ${peak.toFixed(0)} MB)`,
    value: rate(perS, unit),
    target: "≥ 0.5 × raw",
    baseline: `${rawLabel} ${rate(raw.perS, "rows")}`,
    ratio: `${r.toFixed(2)} × raw`,
    result: judge(r >= 0.5, `${db} ${label}: ${r.toFixed(2)} × raw`),
  });
}

async function benchDialect(
  dialect: DialectName,
  spawnBase: { processStart: number[]; firstLine: number[] } | undefined,
) {
  const db = dialect;
  // Raw SQLite inserts first, before the server starts, so they have the machine to themselves.
  const rawSqlite: Partial<Record<"items" | "logs", RawInsertResult>> = {};
  if (only.has("ingest") && dialect === "sqlite") {
    progress(`raw better-sqlite3 insert of ${nItems} items and ${nLogs} log lines`);
    rawSqlite.items = rawSqliteInsert("items", nItems);
    rawSqlite.logs = rawSqliteInsert("logs", nLogs);
  }
  progress(`starting a ${dialect} server with ${slots} slots`);
  const s: BenchServer = await startBenchServer(dialect, { slots, pgUrl, cpuProfDir });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "trawler-bench-out-"));
  try {
    const raw: Partial<Record<"items" | "logs", RawInsertResult>> = { ...rawSqlite };
    if (only.has("ingest") && dialect === "postgres") {
      progress(`raw node-postgres insert of ${nItems} items and ${nLogs} log lines`);
      raw.items = await rawPostgresInsert("items", nItems, s.pgUrl!, s.schema!);
      raw.logs = await rawPostgresInsert("logs", nLogs, s.pgUrl!, s.schema!);
    }
    const rawLabel = dialect === "sqlite" ? "raw better-sqlite3" : "raw node-postgres";

    if (only.has("dispatch")) {
      progress(`dispatch latency: ${dispatchJobs} Node spider jobs`);
      dispatchRows(db, "dispatch, Node spider", await dispatchLatency(s, "hello", dispatchJobs, 5), spawnBase);
      progress(`dispatch latency: ${dispatchJobs} shell spider jobs`);
      dispatchRows(db, "dispatch, shell spider", await dispatchLatency(s, "hello-sh", dispatchJobs, 5), undefined);
    }

    if (only.has("start")) {
      for (const spider of ["exit", "exit-sh"] as const) {
        progress(`start rate: ${startJobs} ${spider} jobs`);
        const r = await startRate(s, spider, startJobs);
        const label = spider === "exit" ? "Node spider that exits at once" : "`true` command";
        rows.push({
          db,
          measure: `job start rate, ${label}, ${slots} slots (${startJobs} jobs; scheduled in ${r.scheduleS.toFixed(2)} s)`,
          value: `${r.startedPerS.toFixed(1)} started/s, ${r.finishedPerS.toFixed(1)} finished/s`,
          target: "finished/s ≥ 10 × Scrapyd",
          baseline: `Scrapyd ${SCRAPYD.jobsPerS} jobs/s`,
          ratio: `${(r.finishedPerS / SCRAPYD.jobsPerS).toFixed(1)} × Scrapyd`,
          result: judge(
            r.finishedPerS >= 10 * SCRAPYD.jobsPerS,
            `${db} start rate (${label}): ${r.finishedPerS.toFixed(1)} jobs/s`,
          ),
        });
      }
    }

    let itemsJob: { id: number; key: string } | undefined;
    if (only.has("ingest") || only.has("export")) {
      progress(`item ingestion: ${nItems} items`);
      const it = await ingestion(s, "items", nItems);
      itemsJob = { id: it.jobId, key: it.key };
      if (raw.items)
        ingestRow(
          db,
          `item ingestion, ${nItems.toLocaleString("en-US")} ITM lines → committed`,
          "items",
          it.perS,
          it.seconds,
          it.peakRssMb,
          raw.items,
          rawLabel,
        );
    }
    if (only.has("ingest")) {
      progress(`log ingestion: ${nLogs} LOG lines`);
      const lg = await ingestion(s, "logs", nLogs);
      ingestRow(
        db,
        `log ingestion, ${nLogs.toLocaleString("en-US")} LOG lines → committed`,
        "lines",
        lg.perS,
        lg.seconds,
        lg.peakRssMb,
        raw.logs!,
        rawLabel,
      );
      progress(`log ingestion: ${nLogs} stdout lines`);
      const so = await ingestion(s, "stdout", nLogs);
      ingestRow(
        db,
        `log ingestion, ${nLogs.toLocaleString("en-US")} stdout lines → committed`,
        "lines",
        so.perS,
        so.seconds,
        so.peakRssMb,
        raw.logs!,
        rawLabel,
      );
    }

    if (only.has("export") && itemsJob) {
      for (const format of ["csv", "jsonl"] as const) {
        progress(`export of ${nItems} items as ${format}: raw, then HTTP`);
        const rawOut = await rawExport(s.observer, itemsJob.id, format, path.join(tmp, `raw.${format}`));
        fs.rmSync(path.join(tmp, `raw.${format}`));
        const http = await httpExport(s, itemsJob.key, format, path.join(tmp, `http.${format}`));
        fs.rmSync(path.join(tmp, `http.${format}`));
        const r = http.seconds / rawOut.seconds;
        const same = http.bytes === rawOut.bytes ? "" : ` — sizes differ: ${http.bytes} vs ${rawOut.bytes} bytes`;
        rows.push({
          db,
          measure: `export of ${nItems.toLocaleString("en-US")} items as ${format.toUpperCase()} over HTTP (${(http.bytes / 1e6).toFixed(0)} MB${same})`,
          value: `${http.seconds.toFixed(2)} s`,
          target: "≤ 1.2 × raw",
          baseline: `raw query-and-write ${rawOut.seconds.toFixed(2)} s`,
          ratio: `${r.toFixed(2)} × raw`,
          result: judge(r <= 1.2, `${db} ${format} export: ${r.toFixed(2)} × raw`),
        });
        rows.push({
          db,
          measure: `export as ${format.toUpperCase()}: server peak RSS (idle before: ${http.idleRssMb.toFixed(0)} MB)`,
          value: `${http.peakRssMb.toFixed(0)} MB`,
          target: "< 200 MB",
          baseline: "",
          ratio: "",
          result: judge(http.peakRssMb < 200, `${db} ${format} export peak RSS ${http.peakRssMb.toFixed(0)} MB`),
        });
      }
    }
  } finally {
    progress(`stopping the ${dialect} server`);
    await s.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const started = Date.now();
const loadBefore = os.loadavg()[0]!;
let spawnBase: { processStart: number[]; firstLine: number[] } | undefined;
if (only.has("dispatch")) {
  progress("baseline: bare spawn of the dispatch spider, 50 times");
  spawnBase = await rawSpawn(50);
  rows.push({
    db: "-",
    measure: "baseline: bare Node `spawn` → spider's process started / first line (median, 50 runs)",
    value: `${ms(quantile(spawnBase.processStart, 0.5))} / ${ms(quantile(spawnBase.firstLine, 0.5))}`,
    target: "",
    baseline: "",
    ratio: "",
    result: "",
  });
}
for (const d of dialects) await benchDialect(d, spawnBase);

const cpus = os.cpus();
console.log(
  `\nTrawler platform benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus.length} × ${cpus[0]?.model.trim() ?? "CPU"}, node ${process.version}, ` +
    `${slots} slots, ${((Date.now() - started) / 1000).toFixed(0)} s, load average ${loadBefore.toFixed(1)} before / ${os.loadavg()[0]!.toFixed(1)} after\n`,
);
if (Math.max(loadBefore, os.loadavg()[0]!) > cpus.length)
  console.log(
    `WARNING: the machine was busy (load average above ${cpus.length} CPUs): latencies and rates are inflated; ratios to same-run baselines hold better.\n`,
  );
console.log("| db | measure | value | target | baseline | ratio | result |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows)
  console.log(`| ${r.db} | ${r.measure} | ${r.value} | ${r.target} | ${r.baseline} | ${r.ratio} | ${r.result} |`);
console.log(
  misses.length
    ? `\nMISSED ${misses.length} target(s):\n${misses.map((m) => `  - ${m}`).join("\n")}`
    : "\nAll targets met.",
);
if (cpuProfDir) console.log(`\nServer CPU profiles: ${cpuProfDir}`);
