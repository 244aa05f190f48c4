// Keeps a run's output in memory: for testing spiders and for embedding a crawl in a program.
import type { RequestMessage } from "@trawler/core";
import type { Output } from "./output.ts";

export class MemoryOutput implements Output {
  readonly items: Record<string, unknown>[] = [];
  readonly logs: Array<{ level: number; message: string }> = [];
  readonly requests: RequestMessage[] = [];
  lastStats: Record<string, unknown> | undefined;
  outcome: string | undefined;

  item(item: Record<string, unknown>): undefined {
    this.items.push(item);
    return undefined;
  }

  log(level: number, message: string): void {
    this.logs.push({ level, message });
  }

  request(message: RequestMessage): void {
    this.requests.push(message);
  }

  stats(_time: number, stats: Record<string, unknown>): void {
    this.lastStats = stats;
  }

  finish(outcome: string): void {
    this.outcome = outcome;
  }

  flushed(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {}
}
