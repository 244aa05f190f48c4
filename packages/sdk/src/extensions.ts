// Periodic jobs of a running crawl: close-spider timeout, memory usage, log stats, stats
// snapshots to the platform, and spider-state checkpoints.
import type { Logger } from "./log.ts";
import type { Settings } from "./settings.ts";
import type { Stats } from "./stats.ts";

export interface ExtensionHost {
  settings: Settings;
  stats: Stats;
  logger: Logger;
  close(reason: string): void;
  emitStats(): void;
  checkpointState(): void;
  hasJobDir: boolean;
}

export class Extensions {
  private readonly timers: NodeJS.Timeout[] = [];
  private warned = false;

  constructor(private readonly host: ExtensionHost) {}

  start(): void {
    const { settings, stats } = this.host;
    const rss = process.memoryUsage.rss();
    stats.set("memusage/startup", rss);
    stats.max("memusage/max", rss);
    const timeout = settings.getNumber("CLOSESPIDER_TIMEOUT");
    if (timeout > 0) this.timers.push(setTimeout(() => this.host.close("closespider_timeout"), timeout * 1000));
    if (settings.getBool("MEMUSAGE_ENABLED"))
      this.every(settings.getNumber("MEMUSAGE_CHECK_INTERVAL_SECONDS"), () => this.checkMemory());
    this.every(settings.getNumber("LOGSTATS_INTERVAL"), this.logStats());
    this.every(settings.getNumber("STATS_INTERVAL"), () => this.host.emitStats());
    if (this.host.hasJobDir)
      this.every(settings.getNumber("STATE_CHECKPOINT_INTERVAL"), () => this.host.checkpointState());
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
  }

  /** Memory check (Scrapy's MemoryUsage extension): warn once, then close past the limit. */
  checkMemory(): void {
    const { settings, stats, logger } = this.host;
    const rss = process.memoryUsage.rss();
    stats.max("memusage/max", rss);
    const mb = rss / 1024 / 1024;
    const limit = settings.getNumber("MEMUSAGE_LIMIT_MB");
    const warning = settings.getNumber("MEMUSAGE_WARNING_MB");
    if (limit > 0 && mb > limit) {
      stats.set("memusage/limit_reached", 1);
      logger.error(`Memory usage exceeded ${limit}MiB (${mb.toFixed(0)}MiB). Shutting down Spider...`);
      this.host.close("memusage_exceeded");
    } else if (warning > 0 && mb > warning && !this.warned) {
      this.warned = true;
      stats.set("memusage/warning_reached", 1);
      logger.warning(`Memory usage reached ${warning}MiB (${mb.toFixed(0)}MiB)`);
    }
  }

  private logStats(): () => void {
    const interval = this.host.settings.getNumber("LOGSTATS_INTERVAL");
    let pages = 0;
    let items = 0;
    return () => {
      const { stats, logger } = this.host;
      const p = stats.num("response_received_count");
      const i = stats.num("item_scraped_count");
      const perMin = 60 / interval;
      logger.info(
        `Crawled ${p} pages (at ${Math.round((p - pages) * perMin)} pages/min), scraped ${i} items (at ${Math.round((i - items) * perMin)} items/min)`,
      );
      pages = p;
      items = i;
    };
  }

  private every(seconds: number, fn: () => void): void {
    if (!(seconds > 0)) return;
    const t = setInterval(fn, seconds * 1000);
    t.unref();
    this.timers.push(t);
  }
}
