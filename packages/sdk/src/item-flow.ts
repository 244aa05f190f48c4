// Items: through the spider's pipelines in order, then to the output, counted as Scrapy does.
import { DropItem } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { Output } from "./output/output.ts";
import { instantiatePipelines, type Item, type ItemPipeline } from "./pipelines.ts";
import type { Spider } from "./spider.ts";
import type { Stats } from "./stats.ts";

export class ItemFlow {
  private readonly pipelines: ItemPipeline[];

  constructor(
    private readonly spider: Spider,
    private readonly output: Output,
    private readonly stats: Stats,
    private readonly logger: Logger,
    private readonly itemLimit: number,
    private readonly closeSpider: (reason: string) => void,
  ) {
    this.pipelines = instantiatePipelines(spider.pipelines);
  }

  async open(): Promise<void> {
    for (const p of this.pipelines) await p.open?.(this.spider);
  }

  async close(): Promise<void> {
    for (const p of this.pipelines) {
      try {
        await p.close?.(this.spider);
      } catch (error) {
        this.logger.error(`Error closing pipeline ${p.constructor.name}`, error);
      }
    }
  }

  /** Returns a promise only when a pipeline is async or the output applies back-pressure. */
  process(item: Item, url: string): Promise<void> | undefined {
    if (this.pipelines.length === 0) return this.emit(item);
    return this.throughPipelines(item, url);
  }

  private async throughPipelines(item: Item, url: string): Promise<void> {
    let current = item;
    for (const p of this.pipelines) {
      try {
        current = await p.processItem(current, this.spider);
      } catch (error) {
        if (error instanceof DropItem) {
          this.stats.inc("item_dropped_count");
          this.stats.inc(`item_dropped_reasons_count/${error.name}`);
          this.logger.warning(`Dropped: ${error.message} (from <${url}>)`);
        } else {
          this.stats.inc("item_dropped_count");
          this.stats.inc(`item_dropped_reasons_count/${(error as Error)?.name ?? "Error"}`);
          this.logger.error(`Error processing item from <${url}> in ${p.constructor.name}`, error);
        }
        return;
      }
    }
    await this.emit(current);
  }

  private emit(item: Item): Promise<void> | undefined {
    let pending: Promise<void> | undefined;
    try {
      pending = this.output.item(item);
    } catch (error) {
      this.stats.inc("item_dropped_count");
      this.stats.inc(`item_dropped_reasons_count/${(error as Error).name}`);
      this.logger.error(`Dropped an item: ${(error as Error).message}`);
      return undefined;
    }
    this.stats.inc("item_scraped_count");
    if (this.itemLimit > 0 && this.stats.num("item_scraped_count") >= this.itemLimit)
      this.closeSpider("closespider_itemcount");
    return pending;
  }
}
