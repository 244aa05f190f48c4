// Collects a run's items, log lines, requests and stats and commits them in batches, one
// transaction each. While a commit is in flight new rows keep collecting; past `highWater`
// buffered rows the sources are asked to pause, so a fast spider is slowed by the pipe's own
// back-pressure instead of growing the worker's memory.

import { isEmpty, StaleAttemptError, writeBatch, type IngestBatch } from "../store/ingest.ts";
import type { Store } from "../store/database.ts";

export interface BatcherOptions {
  /** How many channel lines have been read so far; the batch taken now covers them all. */
  position(): number;
  /** Everything up to `position` is committed. */
  onDurable(position: number): void;
  flushRows: number;
  flushMs: number;
  highWater: number;
  onPause(): void;
  onResume(): void;
  onStale(err: StaleAttemptError): void;
  onError(err: unknown): void;
}

export class Batcher {
  private batch: IngestBatch;
  private knownFields = new Set<string>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private paused = false;
  private stale = false;
  private rows = 0;
  private failures = 0;

  constructor(
    private readonly store: Store,
    private readonly jobId: number,
    private readonly attempt: number,
    private readonly opts: BatcherOptions,
  ) {
    this.batch = this.empty();
  }

  addItem(json: string, fields: string[]): void {
    this.batch.items.push(json);
    for (const f of fields)
      if (!this.knownFields.has(f)) {
        this.knownFields.add(f);
        this.batch.newFields.push(f);
      }
    this.added();
  }

  dropItem(): void {
    this.batch.itemsDropped++;
  }

  addLog(level: number, message: string, time = Date.now()): void {
    this.batch.logs.push({ time: Math.trunc(time), level, message });
    this.added();
  }

  addRequest(r: IngestBatch["requests"][number]): void {
    this.batch.requests.push(r);
    this.added();
  }

  /** A line that makes no row (FIN) still needs a commit point, so its acknowledgement goes out. */
  touch(): void {
    this.schedule();
  }

  setStats(data: string): void {
    this.batch.stats = { data };
    this.schedule();
  }

  /**
   * Commits everything collected so far (one attempt). A commit that fails for any reason but a
   * stale attempt (the database restarting, say) loses nothing: its rows go back in front of
   * the next batch and are retried with back-off, while back-pressure holds the spider.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.clearTimer();
    if (this.stale) return;
    const position = this.opts.position();
    if (isEmpty(this.batch)) {
      // Lines that made no rows (FIN, or none since the last commit) need no write to be durable.
      if (!this.failures) this.opts.onDurable(position);
      return;
    }
    const batch = this.batch;
    this.batch = this.empty();
    this.rows = 0;
    let failed = false;
    this.flushing = writeBatch(this.store, batch)
      .then(() => {
        this.failures = 0;
        this.opts.onDurable(position);
      })
      .catch((err: unknown) => {
        if (err instanceof StaleAttemptError) {
          this.stale = true;
          this.opts.onStale(err);
          return;
        }
        failed = true;
        this.failures++;
        this.opts.onError(err);
        this.batch = mergeBatches(batch, this.batch);
        this.rows += batch.items.length + batch.logs.length + batch.requests.length;
      })
      .finally(() => {
        this.flushing = undefined;
        if (failed) {
          if (!this.paused && this.rows >= this.opts.highWater) {
            this.paused = true;
            this.opts.onPause();
          }
          this.clearTimer();
          this.timer = setTimeout(() => void this.flush(), Math.min(5_000, 100 * 2 ** Math.min(this.failures, 6)));
        } else if (this.rows >= this.opts.flushRows) void this.flush();
        else if (this.paused && this.rows < this.opts.highWater) {
          this.paused = false;
          this.opts.onResume();
        }
      });
    await this.flushing;
  }

  /** Commits everything, retrying failed commits until `deadline` (the end of a run). */
  async flushAll(deadline: number): Promise<boolean> {
    for (;;) {
      await this.flush();
      if (this.stale) return false;
      if (isEmpty(this.batch)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(1_000, 100 * 2 ** Math.min(this.failures, 4))));
    }
  }

  private added(): void {
    this.rows++;
    if (this.rows >= this.opts.flushRows && !this.flushing) void this.flush();
    else this.schedule();
    if (!this.paused && this.rows >= this.opts.highWater) {
      this.paused = true;
      this.opts.onPause();
    }
  }

  /**
   * Idle: commit as soon as the lines read in this turn of the event loop are in, so the first
   * line of a job is stored within milliseconds. Busy (a commit in flight): rows collect and go
   * in the next commit, which is what makes batches large under load.
   */
  private schedule(): void {
    if (this.timer || this.immediate) return;
    if (this.flushing) this.timer = setTimeout(() => void this.flush(), this.opts.flushMs);
    else this.immediate = setImmediate(() => void this.flush());
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private empty(): IngestBatch {
    return {
      jobId: this.jobId,
      attempt: this.attempt,
      items: [],
      logs: [],
      requests: [],
      newFields: [],
      itemsDropped: 0,
      stats: null,
    };
  }
}

/** The failed batch's rows first, then what arrived while it was being written, in order. */
function mergeBatches(first: IngestBatch, then: IngestBatch): IngestBatch {
  return {
    jobId: first.jobId,
    attempt: first.attempt,
    items: [...first.items, ...then.items],
    logs: [...first.logs, ...then.logs],
    requests: [...first.requests, ...then.requests],
    newFields: [...first.newFields, ...then.newFields],
    itemsDropped: first.itemsDropped + then.itemsDropped,
    stats: then.stats ?? first.stats,
  };
}
