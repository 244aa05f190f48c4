// Scheduler: duplicates filter on request fingerprints, depth limit and depth priority, a
// priority queue in memory, and — with a job directory — every change mirrored to SQLite.
import { Request } from "../request.ts";
import type { Stats } from "../stats.ts";
import { JobStore } from "./job-store.ts";
import { PriorityQueue } from "./priority-queue.ts";

export interface SchedulerOptions {
  store: JobStore | undefined;
  dupefilter: boolean;
  depthLimit: number;
  depthPriority: number;
  stats: Stats;
}

export class Scheduler {
  private readonly queue = new PriorityQueue<Request>();
  private readonly seen = new Set<string>();
  private readonly store: JobStore | undefined;
  private readonly kind: "memory" | "disk";

  constructor(private readonly opts: SchedulerOptions) {
    this.store = opts.store;
    this.kind = opts.store ? "disk" : "memory";
  }

  /** Loads what a previous run left in the job directory; returns how many requests were pending. */
  restore(): number {
    if (!this.store) return 0;
    for (const fp of this.store.loadSeen()) this.seen.add(fp);
    const pending = this.store.loadRequests();
    for (const { id, record } of pending) {
      const req = Request.fromRecord(record);
      req.storeId = id;
      this.queue.push(req, req.priority);
    }
    return pending.length;
  }

  get size(): number {
    return this.queue.size;
  }

  /** Returns false when the request was filtered (duplicate or too deep). */
  enqueue(req: Request): boolean {
    const { stats } = this.opts;
    if (this.opts.depthLimit > 0 && req.depth > this.opts.depthLimit) {
      stats.inc("scheduler/filtered/depth");
      return false;
    }
    stats.max("request_depth_max", req.depth);
    let fp: string | undefined;
    if (this.opts.dupefilter && !req.dontFilter) {
      fp = req.fingerprint;
      if (this.seen.has(fp)) {
        stats.inc("dupefilter/filtered");
        return false;
      }
      this.seen.add(fp);
    }
    if (this.opts.depthPriority !== 0 && req.depth > 0) req.priority -= req.depth * this.opts.depthPriority;
    if (this.store) req.storeId = this.store.add(req.toRecord(), fp, req.priority);
    this.queue.push(req, req.priority);
    stats.inc("scheduler/enqueued");
    stats.inc(`scheduler/enqueued/${this.kind}`);
    return true;
  }

  next(): Request | undefined {
    const req = this.queue.pop();
    if (req) {
      this.opts.stats.inc("scheduler/dequeued");
      this.opts.stats.inc(`scheduler/dequeued/${this.kind}`);
    }
    return req;
  }

  /** The request's response was handled and its output delivered: it is never fetched again. */
  done(req: Request): Promise<void> | undefined {
    if (!this.store || req.storeId === undefined) return undefined;
    this.store.done(req.storeId);
    return this.store.committed();
  }
}
