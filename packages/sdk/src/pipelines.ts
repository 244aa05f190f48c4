// Item pipelines: each item passes through them in order; one may change it, drop it
// (throw DropItem) or fail (logged and counted, the item is dropped).
import type { Spider } from "./spider.ts";

export type Item = Record<string, unknown>;

export interface ItemPipeline {
  open?(spider: Spider): void | Promise<void>;
  processItem(item: Item, spider: Spider): Item | Promise<Item>;
  close?(spider: Spider): void | Promise<void>;
}

export type PipelineRef = ItemPipeline | (new () => ItemPipeline);

export function instantiatePipelines(refs: PipelineRef[]): ItemPipeline[] {
  return refs.map((ref) => (typeof ref === "function" ? new ref() : ref));
}
