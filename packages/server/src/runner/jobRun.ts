// One run of a claimed job: start the spider under the process contract, ingest its channel
// and output, watch its memory, time and liveness, and record how it ended. Every write names
// the run's attempt; once the lease is lost the run kills its spider and writes nothing more.

import fs from "node:fs";
import path from "node:path";
import { LOG_LEVELS, MAX_LINE_BYTES, OUTCOMES, formatJobKey, parseChannelLine, spiderEnv } from "@trawler/core";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Store } from "../store/database.ts";
import { complete } from "../queue/sql/complete.ts";
import type { JobRow } from "../queue/sql/claim.ts";
import { Batcher } from "./batcher.ts";
import { openAckWriter, openFifoChannel, type AckWriter, type FifoChannel } from "./fifo.ts";
import type { FifoPool } from "./fifoPool.ts";
import { baseEnv, spiderArgv, type SpiderEntry } from "./launch.ts";
import { LineSplitter } from "./lineSplitter.ts";
import { resolveLimits, type Limits } from "./limits.ts";
import { decideEnding, type StopReason } from "./outcome.ts";
import { oomKillCount, ProcessTreeSampler } from "./procSampler.ts";
import { groupAlive, killGroup, startSpiderProcess, type ExitStatus, type SpiderProcess } from "./spiderProcess.ts";
import { Watchdog } from "./watchdog.ts";
import { versionDir } from "./versionDir.ts";

const STDOUT_MAX_LINE = 64 * 1024;
const DRAIN_TIMEOUT_MS = 5_000;

export interface RunContext {
  store: Store;
  config: Config;
  log: Logger;
  fifos: FifoPool;
}

export class JobRun {
  readonly key: string;
  limits: Limits;
  private proc: SpiderProcess | undefined;
  private batcher: Batcher;
  private finOutcome: string | undefined;
  private stopping: { reason: StopReason; killTimer?: NodeJS.Timeout; killedAfterGrace: boolean } | undefined;
  private hardMemoryKill = false;
  private leaseLost = false;
  private channel: FifoChannel | undefined;
  private acks: AckWriter | undefined;
  /** Lines read from the spider's channel; the acknowledgements count them. */
  private channelLines = 0;
  private drained: (() => void) | undefined;
  private watchdog: Watchdog | undefined;
  /** This run's own counts, for the metrics series. */
  readonly counts = { items: 0, requests: 0, bytes: 0, lastActivity: Date.now() };

  constructor(
    private readonly ctx: RunContext,
    readonly job: JobRow,
  ) {
    this.key = formatJobKey({ project: job.project_id, spider: job.spider_id, number: job.number });
    this.limits = resolveLimits(ctx.config, { job: job.limits });
    this.batcher = new Batcher(ctx.store, job.id, job.attempt, {
      flushRows: 2000,
      flushMs: 50,
      highWater: 20_000,
      position: () => this.channelLines,
      onDurable: (lines) => this.acks?.ack(lines),
      onPause: () => this.setPaused(true),
      onResume: () => this.setPaused(false),
      onStale: () => this.loseLease(),
      onError: (err) => ctx.log.error({ err, job: this.key }, "could not store a batch"),
    });
  }

  get attempt(): number {
    return this.job.attempt;
  }

  /** Runs the job to its end. Never throws: every failure becomes the job's outcome. */
  async execute(): Promise<void> {
    let status: ExitStatus = { code: null, signal: null };
    const oomBefore = oomKillCount();
    try {
      status = await this.startAndWait();
    } catch (err) {
      this.batcher.addLog(LOG_LEVELS.ERROR, `Could not start the spider: ${(err as Error).message}`);
      status = { code: 127, signal: null };
    }
    this.watchdog?.stop();
    // The run's last rows must be in before its end is recorded; a database that is down
    // for longer than the lease loses the job to the reaper anyway.
    await this.batcher.flushAll(Date.now() + this.ctx.config.leaseTtlMs);
    this.channel?.close();
    this.acks?.close();
    if (this.leaseLost) return;
    const oomAfter = oomKillCount();
    const ending = decideEnding({
      status,
      stop: this.stopping?.reason,
      killedAfterGrace: this.stopping?.killedAfterGrace ?? false,
      hardMemoryKill: this.hardMemoryKill,
      kernelOomKill: oomBefore !== undefined && oomAfter !== undefined && oomAfter > oomBefore,
      finOutcome: this.finOutcome,
    });
    const end = {
      jobId: this.job.id,
      attempt: this.job.attempt,
      outcome: ending.outcome,
      nextState: ending.nextState,
      exitCode: status.code,
      exitSignal: status.signal,
      peakRss: this.watchdog?.peakRss ?? null,
    };
    const ok = await retryUntil(Date.now() + this.ctx.config.leaseTtlMs, () => complete(this.ctx.store, end), (err) =>
      this.ctx.log.error({ err, job: this.key }, "could not record the end of a run; retrying"),
    );
    this.ctx.log.info({ job: this.key, attempt: this.job.attempt, ...ending, recorded: ok }, "job run ended");
  }

  /**
   * Graceful stop: SIGINT to the process group, SIGKILL after the grace period. The first
   * reason wins: a job being cancelled is not turned into a pause by a later request.
   */
  stop(reason: StopReason, graceMs = this.limits.cancelTimeoutMs): void {
    if (this.stopping) return;
    this.stopping = { reason, killedAfterGrace: false };
    const why = reason.kind === "outcome" ? reason.outcome : reason.kind;
    this.batcher.addLog(LOG_LEVELS.INFO, `Stopping the spider (${why}): SIGINT, then SIGKILL after ${Math.round(graceMs / 1000)} s`);
    this.proc?.signal("SIGINT");
    const stopping = this.stopping;
    stopping.killTimer = setTimeout(() => {
      stopping.killedAfterGrace = true;
      this.batcher.addLog(LOG_LEVELS.WARNING, "The spider did not stop within the grace period: SIGKILL");
      this.proc?.signal("SIGKILL");
    }, graceMs);
  }

  /** Memory past the hard limit: no grace. */
  killNow(reason: string): void {
    if (this.hardMemoryKill) return;
    this.hardMemoryKill = true;
    this.batcher.addLog(LOG_LEVELS.ERROR, `Killing the spider at once: ${reason}`);
    this.proc?.signal("SIGKILL");
  }

  /** The lease is gone (reaped or taken over): stop at once and write nothing more. */
  loseLease(): void {
    if (this.leaseLost) return;
    this.leaseLost = true;
    this.ctx.log.warn({ job: this.key, attempt: this.job.attempt }, "lease lost; killing the spider");
    this.proc?.signal("SIGKILL");
  }

  private async startAndWait(): Promise<ExitStatus> {
    const { store, config } = this.ctx;
    const spider = await store.db
      .selectFrom("version_spiders as vs")
      .innerJoin("spiders as s", "s.id", "vs.spider_id")
      .innerJoin("versions as v", "v.id", "vs.version_id")
      .innerJoin("projects as p", "p.id", "s.project_id")
      .select(["s.name", "s.settings as spider_settings", "p.settings as project_settings", "vs.runtime", "vs.entry", "v.path"])
      .where("vs.version_id", "=", this.job.version_id)
      .where("vs.spider_id", "=", this.job.spider_id)
      .executeTakeFirstOrThrow();
    this.limits = resolveLimits(config, { project: spider.project_settings, spider: spider.spider_settings, job: this.job.limits });
    const entry = JSON.parse(spider.entry) as SpiderEntry;
    const dir = await versionDir(store, config.dataDir, this.job.version_id, spider.path);
    const argv = spiderArgv(spider.runtime, entry, spider.name, dir);
    const jobDir = path.join(config.dataDir, "jobs", String(this.job.id));
    fs.mkdirSync(jobDir, { recursive: true });
    this.channel = openFifoChannel(await this.ctx.fifos.take());
    this.acks = openAckWriter(await this.ctx.fifos.take());
    const env = {
      ...baseEnv(),
      ...(entry.env ?? {}),
      ...spiderEnv({
        jobKey: this.key,
        spider: spider.name,
        args: JSON.parse(this.job.args) as Record<string, string>,
        settings: JSON.parse(this.job.settings) as Record<string, unknown>,
        jobDir,
        fifo: this.channel.path,
        ackFifo: this.acks.path,
        attempt: this.job.attempt,
      }),
    };
    const channelDone = new Promise<void>((resolve) => (this.drained = resolve));
    const channelLines = new LineSplitter(
      {
        line: (text, bytes) => this.onChannelLine(text, bytes),
        oversize: (prefix, bytes) => this.onOversizeChannelLine(prefix, bytes),
      },
      MAX_LINE_BYTES,
    );
    this.channel.socket.on("data", (chunk: Buffer) => channelLines.push(chunk));
    if (this.job.attempt > 1) this.batcher.addLog(LOG_LEVELS.INFO, `Run ${this.job.attempt} of this job: continuing from its job directory`);

    const proc = startSpiderProcess(argv, { cwd: dir, env });
    this.proc = proc;
    if (this.stopping) proc.signal("SIGINT");
    if (this.leaseLost || this.hardMemoryKill) proc.signal("SIGKILL");
    const outputs = [this.pipeOutput(proc.child.stdout, LOG_LEVELS.INFO), this.pipeOutput(proc.child.stderr, LOG_LEVELS.ERROR)];
    if (proc.pid > 0) this.watchdog = new Watchdog(this, new ProcessTreeSampler(proc.pid), this.ctx);
    await store.db.updateTable("jobs").set({ pid: proc.pid }).where("id", "=", this.job.id).where("attempt", "=", this.job.attempt).execute();
    await store.db
      .updateTable("job_runs")
      .set({ pid: proc.pid })
      .where("job_id", "=", this.job.id)
      .where("attempt", "=", this.job.attempt)
      .execute();

    const status = await proc.exited;
    if (this.stopping?.killTimer) clearTimeout(this.stopping.killTimer);
    // Whatever the spider left behind in its group (grandchildren) does not outlive the run.
    if (groupAlive(proc.pid)) await killGroup(proc.pid);
    this.channel.socket.resume();
    this.channel.writeMarker();
    await withTimeout(Promise.all([channelDone, ...outputs]), DRAIN_TIMEOUT_MS);
    channelLines.end();
    const how = status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
    this.batcher.addLog(status.code === 0 ? LOG_LEVELS.INFO : LOG_LEVELS.ERROR, `Spider process ended: ${how}`);
    return status;
  }

  private pipeOutput(stream: NodeJS.ReadableStream | null, level: number): Promise<void> {
    if (!stream) return Promise.resolve();
    const lines = new LineSplitter(
      {
        line: (text) => {
          this.counts.lastActivity = Date.now();
          this.batcher.addLog(level, text);
        },
        oversize: (prefix, bytes) => this.batcher.addLog(level, `${prefix} [line truncated: ${bytes} bytes]`),
      },
      STDOUT_MAX_LINE,
      STDOUT_MAX_LINE,
    );
    stream.on("data", (chunk: Buffer) => lines.push(chunk));
    return new Promise((resolve) => {
      stream.once("end", () => {
        lines.end();
        resolve();
      });
      stream.once("error", () => resolve());
    });
  }

  private onChannelLine(text: string, bytes: number): void {
    if (text.length === 0) return;
    if (text === this.channel?.marker) {
      this.drained?.();
      return;
    }
    this.channelLines++;
    this.counts.lastActivity = Date.now();
    const msg = parseChannelLine(text);
    switch (msg.type) {
      case "ITM":
        if (msg.bytes > this.ctx.config.maxItemBytes) return this.dropItem(msg.bytes);
        this.counts.items++;
        this.batcher.addItem(text.startsWith("{") ? text : text.slice(4), Object.keys(msg.item));
        return;
      case "LOG":
        this.batcher.addLog(msg.log.level, msg.log.message, msg.log.time);
        return;
      case "REQ": {
        const r = msg.request;
        this.counts.requests++;
        this.counts.bytes += r.rs;
        this.batcher.addRequest({
          url: r.url,
          method: r.method,
          status: r.status,
          size: r.rs,
          duration: r.duration,
          time: Math.trunc(r.time),
          parent: r.parent ?? null,
          fingerprint: r.fp ?? null,
        });
        return;
      }
      case "STA":
        this.batcher.setStats(JSON.stringify(msg.stats));
        return;
      case "FIN":
        this.finOutcome = msg.outcome;
        this.batcher.touch();
        return;
      case "invalid":
        this.batcher.addLog(LOG_LEVELS.WARNING, `Malformed channel line (${bytes} bytes) ignored: ${msg.reason}: ${msg.sample}`);
    }
  }

  private onOversizeChannelLine(prefix: string, bytes: number): void {
    this.channelLines++;
    if (prefix.startsWith("ITM ") || prefix.startsWith("{")) return this.dropItem(bytes);
    this.batcher.addLog(LOG_LEVELS.WARNING, `Channel line of ${bytes} bytes over the ${MAX_LINE_BYTES}-byte limit ignored: ${prefix}…`);
  }

  private dropItem(bytes: number): void {
    this.batcher.dropItem();
    this.batcher.addLog(
      LOG_LEVELS.ERROR,
      `Item of ${bytes} bytes dropped: larger than the ${this.ctx.config.maxItemBytes}-byte item limit (TRAWLER_MAX_ITEM_BYTES)`,
    );
  }

  /** For the watchdog: a log line in the job's own log. */
  note(level: number, message: string): void {
    this.batcher.addLog(level, message);
  }

  private setPaused(paused: boolean): void {
    const streams = [this.channel?.socket, this.proc?.child.stdout, this.proc?.child.stderr];
    for (const s of streams) if (paused) s?.pause();
    else s?.resume();
  }
}

export { OUTCOMES };

/** Retries a write that failed (not one that was refused) until the deadline. */
async function retryUntil(deadline: number, write: () => Promise<boolean>, onError: (err: unknown) => void): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      onError(err);
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    void p.then(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
