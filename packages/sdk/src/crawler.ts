// Runs one spider class to its close reason: instantiate, apply arguments and settings, crawl.
import { Engine } from "./engine.ts";
import type { Output } from "./output/output.ts";
import { Settings } from "./settings.ts";
import type { SpiderClass } from "./spider.ts";

export interface CrawlOptions {
  spiderClass: SpiderClass;
  args?: Record<string, string>;
  /** Highest-precedence settings (TRAWLER_SETTINGS, `-s`). */
  settings?: Record<string, unknown>;
  output: Output;
  /** Called with the engine once it exists, e.g. to wire signals to `engine.shutdown()`. */
  onEngine?: (engine: Engine) => void;
}

export async function crawl(opts: CrawlOptions): Promise<string> {
  const spider = new opts.spiderClass();
  const args = opts.args ?? {};
  spider.args = { ...args };
  const target = spider as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(args))
    if (typeof target[key] !== "function" && key !== "name") target[key] = value;
  const staticSettings = (opts.spiderClass as unknown as { customSettings?: Record<string, unknown> }).customSettings;
  const settings = new Settings(staticSettings, spider.customSettings, opts.settings);
  const engine = new Engine({ spider, settings, output: opts.output });
  opts.onEngine?.(engine);
  return engine.run();
}
