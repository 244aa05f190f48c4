// The platform measurements, each against a running bench server. Times are wall-clock
// milliseconds taken in the benchmark process (schedule call, what the observer sees committed)
// and in the spider (its process start and first line), all on the same machine clock.

import fs from "node:fs";
import http from "node:http";
import { pipeline } from "node:stream/promises";
import { now, peakRssMb, resetPeak, rssMb, sleep, until, type BenchServer, type Summary } from "./harness.ts";

export interface DispatchSamples {
  /** schedule call → its 201 answer */
  answered: number[];
  /** schedule call → job claimed (the job's startedAt, database clock) */
  claimed: number[];
  /** schedule call → the spider's process started (Node's time origin, or `date` in a shell spider) */
  processStart: number[];
  /** schedule call → the spider's first line of code ran (Node spider only) */
  firstLine: number[];
  /** schedule call → the spider's first log line committed in the store */
  firstLog: number[];
}

/**
 * Schedules `jobs` jobs one after another (each on an idle worker with free slots) and times
 * each one's dispatch. The first `warmup` jobs are run and not counted.
 */
export async function dispatchLatency(
  s: BenchServer,
  spider: "hello" | "hello-sh",
  jobs: number,
  warmup: number,
): Promise<DispatchSamples> {
  const out: DispatchSamples = { answered: [], claimed: [], processStart: [], firstLine: [], firstLog: [] };
  for (let i = 0; i < warmup + jobs; i++) {
    const t0 = now();
    const job = await s.schedule(spider);
    const answered = now() - t0;
    let firstLog: number | undefined;
    let message: string | undefined;
    // 1 ms polls of the store until the first log line is committed, then until the job ends.
    for (;;) {
      if (firstLog === undefined) {
        message = await s.observer.firstLog(job.id);
        if (message !== undefined) firstLog = now() - t0;
      }
      if (firstLog !== undefined) {
        const st = await s.observer.job(job.id);
        if (st?.state === "finished") {
          if (st.outcome !== "finished") throw new Error(`dispatch job ${job.key} ended ${st.outcome}`);
          if (i >= warmup) {
            out.answered.push(answered);
            out.claimed.push(st.started_at! - t0);
            out.firstLog.push(firstLog);
            if (spider === "hello") {
              const rec = JSON.parse((await s.observer.firstItem(job.id))!) as {
                processStart: number;
                firstLine: number;
              };
              out.processStart.push(rec.processStart - t0);
              out.firstLine.push(rec.firstLine - t0);
            } else {
              const ns = /started (\d+)/.exec(message!)?.[1];
              if (!ns) throw new Error(`unexpected first log line of ${job.key}: ${message}`);
              out.processStart.push(Number(BigInt(ns) / 1000n) / 1000 - t0);
            }
          }
          break;
        }
        await sleep(2);
      } else await sleep(1);
    }
  }
  return out;
}

export interface StartRate {
  jobs: number;
  startedPerS: number;
  finishedPerS: number;
  scheduleS: number;
}

/** Schedules `jobs` tiny jobs at once (8 schedule calls in flight) and times until all have started and ended. */
export async function startRate(s: BenchServer, spider: "exit" | "exit-sh", jobs: number): Promise<StartRate> {
  const ids: number[] = [];
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < jobs) {
        next++;
        ids.push((await s.schedule(spider)).id);
      }
    }),
  );
  const scheduleS = (now() - t0) / 1000;
  const sum = await until<Summary>(
    async () => {
      const x = await s.observer.summary(ids);
      return x.finished === jobs ? x : undefined;
    },
    10,
    600_000,
    `${jobs} ${spider} jobs to finish`,
  );
  if (sum.ok !== jobs) throw new Error(`${jobs - sum.ok} ${spider} jobs did not end 'finished'`);
  return {
    jobs,
    startedPerS: jobs / ((sum.maxStarted - t0) / 1000),
    finishedPerS: jobs / ((sum.maxFinished - t0) / 1000),
    scheduleS,
  };
}

export interface Ingestion {
  jobId: number;
  key: string;
  rows: number;
  seconds: number;
  perS: number;
  peakRssMb: number;
}

/** One flood job: schedule call → job finished with all `n` rows committed. */
export async function ingestion(s: BenchServer, kind: "items" | "logs" | "stdout", n: number): Promise<Ingestion> {
  resetPeak(s.pid);
  const t0 = now();
  const job = await s.schedule("flood", { kind, count: String(n) });
  const st = await until(
    async () => {
      const j = await s.observer.job(job.id);
      return j?.state === "finished" ? j : undefined;
    },
    10,
    3_600_000,
    `flood job ${job.key}`,
  );
  const seconds = (now() - t0) / 1000;
  const stored = kind === "items" ? st.items_count : st.log_count;
  // Log jobs also store the worker's own "Spider process ended" line.
  const expected = kind === "items" ? n : n + 1;
  if (st.outcome !== "finished" || stored !== expected)
    throw new Error(`flood ${kind} job ${job.key}: outcome ${st.outcome}, ${stored} rows stored, expected ${expected}`);
  return { jobId: job.id, key: job.key, rows: n, seconds, perS: n / seconds, peakRssMb: peakRssMb(s.pid) };
}

export interface HttpExport {
  seconds: number;
  bytes: number;
  idleRssMb: number;
  peakRssMb: number;
}

/** Downloads the job's export over HTTP into `file`; the server's peak RSS is reset first. */
export async function httpExport(s: BenchServer, key: string, format: string, file: string): Promise<HttpExport> {
  resetPeak(s.pid);
  const idleRssMb = rssMb(s.pid);
  const t0 = now();
  await new Promise<void>((resolve, reject) => {
    http
      .get(`${s.url}/api/v1/jobs/${key}/items/export?format=${format}`, (res) => {
        if (res.statusCode !== 200) reject(new Error(`export ${format}: HTTP ${res.statusCode}`));
        pipeline(res, fs.createWriteStream(file)).then(resolve, reject);
      })
      .on("error", reject);
  });
  return { seconds: (now() - t0) / 1000, bytes: fs.statSync(file).size, idleRssMb, peakRssMb: peakRssMb(s.pid) };
}

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
