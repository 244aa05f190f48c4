// Reads the worker's acknowledgements (TRAWLER_ACK_FIFO): `ACK <n>` means the first n lines
// this process wrote on the channel are committed. The job directory marks a page done only
// once its lines are acknowledged, so a worker that dies loses no item of a finished page.
import fs from "node:fs";

export class AckReader {
  private acked = 0;
  private failure: Error | undefined;
  private waiters: { lines: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private buf = "";
  private readonly stream: fs.ReadStream;

  constructor(path: string) {
    this.stream = fs.createReadStream(path, { encoding: "utf8" });
    this.stream.on("data", (chunk: string | Buffer) => this.onData(String(chunk)));
    this.stream.on("error", (e) => this.fail(e));
    this.stream.on("end", () => this.fail(new Error("the worker stopped acknowledging the channel")));
  }

  /** Resolves once the first `lines` channel lines are acknowledged. */
  until(lines: number): Promise<void> {
    if (this.acked >= lines) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ lines, resolve, reject }));
  }

  close(): void {
    this.stream.destroy();
  }

  private onData(chunk: string): void {
    this.buf += chunk;
    let nl: number;
    while ((nl = this.buf.indexOf("\n")) !== -1) {
      const m = /^ACK (\d+)$/.exec(this.buf.slice(0, nl));
      this.buf = this.buf.slice(nl + 1);
      if (m) this.acked = Math.max(this.acked, Number(m[1]));
    }
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.lines <= this.acked) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiters) w.reject(e);
    this.waiters = [];
  }
}
