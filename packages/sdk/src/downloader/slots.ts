// Per-domain download slots: concurrency, download delay (randomised like Scrapy's 0.5–1.5×)
// and AutoThrottle's latency-driven delay.

export interface SlotPolicy {
  concurrency: number;
  delay: number;
  randomizeDelay: boolean;
  autothrottle: { enabled: boolean; startDelay: number; maxDelay: number; targetConcurrency: number };
}

export class Slot {
  active = 0;
  /** Seconds between request starts; AutoThrottle moves it. */
  delay: number;
  private lastStart = 0;
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly policy: SlotPolicy) {
    this.delay = policy.autothrottle.enabled ? Math.max(policy.delay, policy.autothrottle.startDelay) : policy.delay;
  }

  /** Resolves when this slot may start one more request; the caller must call release(). */
  acquire(): Promise<void> | undefined {
    if (this.waiting.length === 0 && this.canStartNow()) {
      this.start();
      return undefined;
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.drain();
    });
  }

  release(): void {
    this.active--;
    this.drain();
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Scrapy's AutoThrottle: aim at `targetConcurrency` requests in flight given the latency seen. */
  observeLatency(latencySeconds: number, status: number): void {
    const at = this.policy.autothrottle;
    if (!at.enabled) return;
    const target = latencySeconds / at.targetConcurrency;
    let next = Math.max(target, (this.delay + target) / 2);
    next = Math.min(Math.max(next, this.policy.delay), at.maxDelay);
    // An error response is no evidence the server got faster.
    if (status !== 200 && next <= this.delay) return;
    this.delay = next;
  }

  private nextDelayMs(): number {
    if (this.delay <= 0) return 0;
    const factor = this.policy.randomizeDelay ? 0.5 + Math.random() : 1;
    return this.delay * factor * 1000;
  }

  private canStartNow(): boolean {
    if (this.active >= this.policy.concurrency) return false;
    return this.delay <= 0 || performance.now() >= this.lastStart + this.pendingDelayMs;
  }

  private pendingDelayMs = 0;

  private start(): void {
    this.active++;
    if (this.delay > 0) {
      this.lastStart = performance.now();
      this.pendingDelayMs = this.nextDelayMs();
    }
  }

  private drain(): void {
    while (this.waiting.length > 0 && this.active < this.policy.concurrency) {
      if (this.delay > 0) {
        const wait = this.lastStart + this.pendingDelayMs - performance.now();
        if (wait > 0) {
          if (!this.timer) this.timer = setTimeout(() => ((this.timer = undefined), this.drain()), wait);
          return;
        }
      }
      this.start();
      (this.waiting.shift() as () => void)();
    }
  }
}

export class Slots {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly policy: SlotPolicy) {}

  get(key: string): Slot {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = new Slot(this.policy);
      this.slots.set(key, slot);
    }
    return slot;
  }
}
