// The worker: claims pending jobs up to its slot capacity, runs each, renews its leases by
// heartbeat and reaps expired leases. A schedule wakes it at once through an in-process event;
// the poll is only the fallback for jobs enqueued by other processes.

import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Store } from "../store/database.ts";
import { claim } from "../queue/sql/claim.ts";
import { heartbeat } from "../queue/sql/heartbeat.ts";
import { reapExpired } from "../queue/sql/reapExpired.ts";
import { JobRun } from "./jobRun.ts";
import { FifoPool } from "./fifoPool.ts";
import { purgeDeletedProjects } from "../projectDeletion.ts";

/** In-process shortcuts to lower latency; the store stays the source of truth. */
export class QueueEvents extends EventEmitter<{ enqueued: []; control: [jobId: number] }> {}

export class Worker {
  readonly nodeId: string;
  private readonly runs = new Map<number, { run: JobRun; done: Promise<void> }>();
  private timers: NodeJS.Timeout[] = [];
  private dispatching = false;
  private again = false;
  private stopping = false;
  private readonly fifos: FifoPool;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly events: QueueEvents,
    private readonly log: Logger,
  ) {
    this.nodeId = nodeIdFor(config.dataDir, store.dialect);
    this.fifos = new FifoPool(path.join(config.dataDir, "run", this.nodeId));
  }

  get running(): number {
    return this.runs.size;
  }

  async start(): Promise<void> {
    this.fifos.reset();
    // Jobs this node held before a crash have no process any more: end them now, not after the lease.
    const orphans = await reapExpired(this.store, { nodeId: this.nodeId, policy: this.config.onNodeLost });
    for (const o of orphans) killLeftovers(o.pid, path.join(this.config.dataDir, "jobs", String(o.id)));
    if (orphans.length) this.log.warn({ jobs: orphans.map((o) => o.id) }, "jobs of a previous run of this node ended as node_lost");
    await this.beat();
    this.events.on("enqueued", this.onEnqueued);
    this.events.on("control", this.onControl);
    this.timers.push(setInterval(() => void this.beat(), this.config.heartbeatMs));
    this.timers.push(setInterval(() => this.dispatch(), this.config.pollMs));
    this.dispatch();
  }

  /**
   * Stops claiming at once, then stops every spider gracefully (SIGINT, then SIGKILL after
   * `graceMs`) and waits for their runs to be recorded: requeued to continue on the next start,
   * paused, or cancelled, per TRAWLER_ON_SHUTDOWN.
   */
  async stop(graceMs?: number): Promise<void> {
    this.stopping = true;
    this.events.off("enqueued", this.onEnqueued);
    this.events.off("control", this.onControl);
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const kind = this.config.onShutdown;
    for (const { run } of this.runs.values()) run.stop({ kind }, graceMs ?? run.limits.cancelTimeoutMs);
    await Promise.all([...this.runs.values()].map((r) => r.done));
  }

  dispatch(): void {
    if (this.stopping) return;
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = true;
    void this.claimFree()
      .catch((err: unknown) => this.log.error({ err }, "claim failed"))
      .finally(() => {
        this.dispatching = false;
        if (this.again) {
          this.again = false;
          this.dispatch();
        }
      });
  }

  private async claimFree(): Promise<void> {
    const free = this.config.slots - this.runs.size;
    if (free <= 0) return;
    const jobs = await claim(this.store, this.nodeId, free, this.config.leaseTtlMs);
    for (const job of jobs) {
      const run = new JobRun({ store: this.store, config: this.config, log: this.log, fifos: this.fifos }, job);
      const done = run.execute().finally(() => {
        this.runs.delete(job.id);
        this.dispatch();
      });
      this.runs.set(job.id, { run, done });
    }
    if (jobs.length === free) this.again = true;
  }

  private async beat(): Promise<void> {
    try {
      const held = [...this.runs.values()].map(({ run }) => ({ id: run.job.id, attempt: run.attempt }));
      const kept = await heartbeat(
        this.store,
        { id: this.nodeId, name: this.config.nodeName, slots: this.config.slots, labels: [] },
        held,
        this.config.leaseTtlMs,
      );
      const keptIds = new Map(kept.map((k) => [k.id, k]));
      for (const h of held) {
        const k = keptIds.get(h.id);
        const entry = this.runs.get(h.id);
        if (!entry || entry.run.attempt !== h.attempt) continue;
        if (!k) entry.run.loseLease();
        else applyRequests(entry.run, k);
      }
      const reaped = await reapExpired(this.store, { policy: this.config.onNodeLost });
      await purgeDeletedProjects(this.store, this.config);
      if (reaped.length) this.log.warn({ jobs: reaped.map((r) => r.id) }, "jobs whose node stopped heartbeating ended as node_lost");
    } catch (err) {
      this.log.error({ err }, "heartbeat failed");
    }
  }

  private onEnqueued = () => this.dispatch();

  /** A cancel, pause or platform stop was recorded for a job; act now if this node runs it. */
  private onControl = (jobId: number) => {
    const entry = this.runs.get(jobId);
    if (!entry) return;
    void this.store.db
      .selectFrom("jobs")
      .select(["cancel_requested_at", "stop_request", "attempt"])
      .where("id", "=", jobId)
      .executeTakeFirst()
      .then((row) => {
        if (row && row.attempt === entry.run.attempt)
          applyRequests(entry.run, { cancelRequested: row.cancel_requested_at !== null, stopRequest: row.stop_request });
      })
      .catch((err: unknown) => this.log.error({ err }, "could not read a job's stop request"));
  };
}

function applyRequests(run: JobRun, r: { cancelRequested: boolean; stopRequest: string | null }): void {
  if (r.cancelRequested) run.stop({ kind: "cancel" });
  else if (r.stopRequest === "pause") run.stop({ kind: "pause" });
  else if (r.stopRequest) run.stop({ kind: "outcome", outcome: r.stopRequest });
}

/** A node keeps its id across restarts (stored beside its data), so it can recognise its own orphans. */
function nodeIdFor(dataDir: string, dialect: string): string {
  const file = path.join(dataDir, `node-id${dialect === "postgres" ? "-pg" : ""}`);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const id = randomUUID();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, id);
    return id;
  }
}

/** Kills a crashed run's leftover process group, but only if it is still that job's spider. */
function killLeftovers(pid: number | null, jobDir: string): void {
  if (!pid || pid <= 1) return;
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
    if (!environ.split("\0").includes(`TRAWLER_JOB_DIR=${jobDir}`)) return;
    process.kill(-pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}
