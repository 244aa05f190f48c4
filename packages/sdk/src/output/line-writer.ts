// Batched writes to a file or named pipe: lines written in one event-loop turn go out in one
// write(); `flushed()` resolves once the OS has taken everything written so far, which is
// what the job directory waits for before marking a page done.
import fs from "node:fs";

const BATCH_BYTES = 64 * 1024;

export class LineWriter {
  private readonly stream: fs.WriteStream;
  private buf = "";
  private scheduled = false;
  private lastWrite: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private drain: Promise<void> | undefined;
  private readonly errorListeners: Array<(error: Error) => void> = [];

  constructor(target: string | number, flags = "w") {
    this.stream =
      typeof target === "number"
        ? fs.createWriteStream("", { fd: target, autoClose: false })
        : fs.createWriteStream(target, { flags });
    this.stream.on("error", (e) => {
      if (!this.failure) for (const cb of this.errorListeners) cb(e);
      this.failure = e;
    });
  }

  /** Queues text; returns a promise only when the OS is not keeping up (back-pressure). */
  write(text: string): Promise<void> | undefined {
    this.buf += text;
    if (this.buf.length >= BATCH_BYTES) this.push();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.push());
    }
    if (!this.stream.writableNeedDrain) return undefined;
    // One shared wait: many callbacks may be blocked on the same full pipe.
    this.drain ??= new Promise<void>((resolve) =>
      this.stream.once("drain", () => {
        this.drain = undefined;
        resolve();
      }),
    );
    return this.drain;
  }

  /** Called once when the file or pipe fails (e.g. the reader of the channel went away). */
  onError(listener: (error: Error) => void): void {
    this.errorListeners.push(listener);
  }

  /** Rejects when a write failed, so nothing is marked done whose output was lost. */
  flushed(): Promise<void> {
    if (this.buf.length > 0) this.push();
    return this.lastWrite;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    this.push();
    await this.lastWrite.catch(() => undefined);
    await new Promise<void>((resolve) => (this.failure ? resolve() : this.stream.end(resolve)));
  }

  private push(): void {
    this.scheduled = false;
    if (this.buf.length === 0) return;
    const chunk = this.buf;
    this.buf = "";
    if (this.failure) {
      this.lastWrite = Promise.reject(this.failure);
    } else {
      this.lastWrite = new Promise((resolve, reject) => this.stream.write(chunk, (e) => (e ? reject(e) : resolve())));
    }
    // Callers that never ask for flushed() must not see an unhandled rejection.
    this.lastWrite.catch(() => undefined);
  }
}
