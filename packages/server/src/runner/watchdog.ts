// Samples a run's process tree every few seconds, stores the sample as a metrics point, and
// stops the run when it breaks a limit: memory (soft: graceful, hard: at once), wall time, or
// silence (no log line, item or request for the stall timeout).

import { LOG_LEVELS, OUTCOMES } from "@trawler/core";
import type { JobRun, RunContext } from "./jobRun.ts";
import type { ProcessTreeSampler } from "./procSampler.ts";

const MB = 1024 * 1024;

export class Watchdog {
  peakRss = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private warnedSoft = false;

  constructor(
    private readonly run: JobRun,
    private readonly sampler: ProcessTreeSampler,
    private readonly ctx: RunContext,
  ) {
    this.timer = setInterval(() => void this.tick(), ctx.config.sampleMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    const s = this.sampler.sample();
    if (s.processes === 0) return;
    this.peakRss = Math.max(this.peakRss, s.rssBytes);
    const { limits } = this.run;
    const now = Date.now();
    if (limits.memoryHardMb > 0 && s.rssBytes > limits.memoryHardMb * MB) {
      this.run.killNow(`memory ${Math.round(s.rssBytes / MB)} MB is over the hard limit of ${limits.memoryHardMb} MB`);
    } else if (limits.memorySoftMb > 0 && s.rssBytes > limits.memorySoftMb * MB) {
      if (!this.warnedSoft)
        this.run.note(LOG_LEVELS.ERROR, `Memory ${Math.round(s.rssBytes / MB)} MB is over the limit of ${limits.memorySoftMb} MB`);
      this.warnedSoft = true;
      this.run.stop({ kind: "outcome", outcome: OUTCOMES.memusageExceeded });
    } else if (limits.timeLimitMs > 0 && now - this.startedAt > limits.timeLimitMs) {
      this.run.note(LOG_LEVELS.ERROR, `The job ran past its time limit of ${Math.round(limits.timeLimitMs / 1000)} s`);
      this.run.stop({ kind: "outcome", outcome: OUTCOMES.timeLimit });
    } else if (limits.stallTimeoutMs > 0 && now - this.run.counts.lastActivity > limits.stallTimeoutMs) {
      this.run.note(LOG_LEVELS.ERROR, `No log line, item or request for ${Math.round(limits.stallTimeoutMs / 1000)} s: the job is stalled`);
      this.run.stop({ kind: "outcome", outcome: OUTCOMES.stalled });
    }
    try {
      await this.ctx.store.db
        .insertInto("job_metrics")
        .values({
          job_id: this.run.job.id,
          attempt: this.run.attempt,
          time: s.time,
          cpu_percent: Math.round(s.cpuPercent * 10) / 10,
          rss: s.rssBytes,
          read_bytes: s.readBytes,
          write_bytes: s.writeBytes,
          processes: s.processes,
          items: this.run.counts.items,
          requests: this.run.counts.requests,
          bytes_downloaded: this.run.counts.bytes,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    } catch (err) {
      this.ctx.log.warn({ err, job: this.run.key }, "could not store a metrics sample");
    }
  }
}
