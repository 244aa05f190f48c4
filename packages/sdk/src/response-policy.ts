// Which responses reach callbacks (Scrapy's HttpErrorMiddleware) and when a run of responses
// means the site is refusing the crawl (the opt-in ban detector).
import type { Logger } from "./log.ts";
import type { Response } from "./response.ts";
import type { Settings } from "./settings.ts";
import type { Spider } from "./spider.ts";

export class ResponsePolicy {
  private readonly allowAll: boolean;
  private readonly banThreshold: number;
  private readonly banStatuses: Set<number>;
  private banRun = 0;

  constructor(
    private readonly spider: Spider,
    settings: Settings,
    private readonly logger: Logger,
  ) {
    this.allowAll = settings.getBool("HTTPERROR_ALLOW_ALL");
    this.banThreshold = settings.getInt("BAN_THRESHOLD");
    this.banStatuses = new Set(settings.getNumberList("BAN_STATUS_CODES"));
  }

  /** 2xx always; other statuses only when the spider, the request or a setting asks for them. */
  handles(response: Response): boolean {
    const s = response.status;
    if (s >= 200 && s < 300) return true;
    if (this.allowAll || response.meta.handleHttpStatusAll === true) return true;
    const list = response.meta.handleHttpStatusList;
    return this.spider.handleHttpStatusList.includes(s) || (Array.isArray(list) && list.includes(s));
  }

  /** The spider's own isBanned(), else BAN_THRESHOLD consecutive BAN_STATUS_CODES responses. */
  banned(response: Response): boolean {
    try {
      if (this.spider.isBanned) return this.spider.isBanned(response);
    } catch (error) {
      this.logger.error("Error in isBanned()", error);
      return false;
    }
    if (this.banThreshold <= 0) return false;
    this.banRun = this.banStatuses.has(response.status) ? this.banRun + 1 : 0;
    return this.banRun >= this.banThreshold;
  }
}
