// Requests by priority, higher first, FIFO inside a priority. Push and pop are O(1) except
// when a new priority appears (rare): a sorted list of the priorities in use.

class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact once the consumed prefix dominates, so memory follows the live size.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class PriorityQueue<T> {
  private readonly buckets = new Map<number, Fifo<T>>();
  private priorities: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T, priority: number): void {
    let bucket = this.buckets.get(priority);
    if (!bucket) {
      bucket = new Fifo<T>();
      this.buckets.set(priority, bucket);
      this.priorities.push(priority);
      this.priorities.sort((a, b) => b - a);
    }
    bucket.push(item);
    this.count++;
  }

  pop(): T | undefined {
    const top = this.priorities[0];
    if (top === undefined) return undefined;
    const bucket = this.buckets.get(top) as Fifo<T>;
    const item = bucket.shift();
    this.count--;
    // Empty buckets are dropped so the highest priority is always at index 0.
    if (bucket.size === 0) {
      this.buckets.delete(top);
      this.priorities.shift();
    }
    return item;
  }
}
