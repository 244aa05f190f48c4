// Stats collector with Scrapy's stat names (item_scraped_count, downloader/response_status_count/200…).

export type StatValue = number | string;

export class Stats {
  private readonly values = new Map<string, StatValue>();

  inc(key: string, by = 1): void {
    const v = this.values.get(key);
    this.values.set(key, (typeof v === "number" ? v : 0) + by);
  }

  set(key: string, value: StatValue): void {
    this.values.set(key, value);
  }

  max(key: string, value: number): void {
    const v = this.values.get(key);
    if (typeof v !== "number" || value > v) this.values.set(key, value);
  }

  get(key: string): StatValue | undefined {
    return this.values.get(key);
  }

  num(key: string): number {
    const v = this.values.get(key);
    return typeof v === "number" ? v : 0;
  }

  toObject(): Record<string, StatValue> {
    return Object.fromEntries([...this.values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
