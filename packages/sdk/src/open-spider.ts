// What an engine shares with its run: the spider wired to settings, logger and stats; the job
// directory's state checkpoints; and the last steps of a run (final stats, FIN, close files).
import type { Logger } from "./log.ts";
import type { Output } from "./output/output.ts";
import type { JobStore } from "./scheduler/job-store.ts";
import type { Scheduler } from "./scheduler/scheduler.ts";
import type { Settings } from "./settings.ts";
import type { Spider } from "./spider.ts";
import type { Stats } from "./stats.ts";

export abstract class OpenSpider {
  protected readonly spiderName: string;
  private readonly allowed: string[] | undefined;
  private readonly startedAt = Date.now();
  private savedState = "";

  constructor(
    protected readonly spider: Spider,
    protected readonly settings: Settings,
    protected readonly stats: Stats,
    protected readonly logger: Logger,
    protected readonly output: Output,
    protected readonly store: JobStore | undefined,
  ) {
    this.spiderName = spider.name;
    this.allowed = spider.allowedDomains?.map((d) => d.toLowerCase());
  }

  /** Attaches the spider and restores a job directory; returns how many requests it held. */
  protected open(scheduler: Scheduler, close: (reason: string) => void): number {
    this.spider.attach({ settings: this.settings, logger: this.logger, close });
    this.stats.set("start_time", new Date(this.startedAt).toISOString());
    this.logger.info(`Spider opened: ${this.spiderName}`);
    if (!this.store) return 0;
    const state = this.store.getKv("spider_state");
    if (state !== undefined) {
      this.spider.state = JSON.parse(state) as Record<string, unknown>;
      this.savedState = state;
    }
    const runs = Number(this.store.getKv("runs") ?? 0) + 1;
    this.store.setKv("runs", String(runs));
    this.stats.set("jobdir/run", runs);
    return scheduler.restore();
  }

  protected allowedHost(host: string): boolean {
    if (!this.allowed) return true;
    return this.allowed.some((d) => host === d || host.endsWith(`.${d}`));
  }

  /** Saves `spider.state` when it changed since the last checkpoint. */
  protected checkpointState(): void {
    if (!this.store) return;
    let json: string;
    try {
      json = JSON.stringify(this.spider.state ?? {});
    } catch (error) {
      this.logger.error("spider.state cannot be saved as JSON", error);
      return;
    }
    if (json === this.savedState) return;
    this.savedState = json;
    this.store.setKv("spider_state", json);
  }

  protected async closeRun(reason: string): Promise<void> {
    const now = Date.now();
    this.stats.set("finish_reason", reason);
    this.stats.set("finish_time", new Date(now).toISOString());
    this.stats.set("elapsed_time_seconds", (now - this.startedAt) / 1000);
    if (this.store) {
      this.checkpointState();
      this.store.setKv("last_close_reason", reason);
      try {
        this.store.close();
      } catch (error) {
        this.logger.error("Could not close the job directory", error);
      }
    }
    const stats = this.stats.toObject();
    this.logger.info(`Dumping Trawler stats:\n${JSON.stringify(stats, null, 2)}`);
    this.logger.info(`Spider closed (${reason})`);
    this.output.stats(now, this.stats.toObject());
    this.output.finish(reason);
    await this.output.close();
  }
}
