// trawler/sdk: what spiders import.
export { Spider, type CallbackResult, type CallbackOutput, type SpiderClass } from "./spider.ts";
export { Request, type RequestOptions, type RequestRecord, type JsonValue, type CallbackRef } from "./request.ts";
export { Response } from "./response.ts";
export { SelectorList } from "./selector.ts";
export type { ItemPipeline, Item, PipelineRef } from "./pipelines.ts";
export {
  DropItem,
  CloseSpider,
  IgnoreRequest,
  NonRetryableError,
  HttpError,
  RequestSerializationError,
} from "./errors.ts";
export { Settings, DEFAULT_SETTINGS, SettingError, type SettingName } from "./settings.ts";
export { Stats } from "./stats.ts";
export type { Logger } from "./log.ts";
export { crawl, type CrawlOptions } from "./crawler.ts";
export { ChannelOutput, StandaloneOutput, type Output } from "./output/output.ts";
export { requestFingerprint, canonicalUrl } from "./fingerprint.ts";
export {
  runCrawlCommand,
  REGISTER_PATH,
  RUN_SPIDER_PATH,
  LIST_SPIDERS_PATH,
  type CrawlCommandOptions,
} from "./crawl-command.ts";
export { MemoryOutput } from "./output/memory-output.ts";
