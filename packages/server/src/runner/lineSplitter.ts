// Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line:
// a longer line is reported once, with its first `keepBytes` and its full size, and the rest of
// it is skipped. Invalid UTF-8 becomes U+FFFD; NUL (which PostgreSQL text refuses) too.

export interface LineSink {
  line(text: string, bytes: number): void;
  oversize(prefix: string, bytes: number): void;
}

const NEWLINE = 0x0a;

export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private skipping = false;
  private skippedBytes = 0;
  private skippedPrefix = "";

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes: number,
    private readonly keepBytes = 200,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, start);
      const end = nl === -1 ? chunk.length : nl;
      this.take(chunk, start, end);
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  }

  /** Emits whatever is left as a last line (the writer ended without a newline). */
  end(): void {
    if (this.partBytes > 0 || this.skipping) this.endLine();
  }

  private take(chunk: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.skipping) {
      this.skippedBytes += end - start;
      return;
    }
    if (this.partBytes + (end - start) > this.maxLineBytes) {
      const head = Buffer.concat([...this.parts, chunk.subarray(start, Math.min(end, start + this.keepBytes))]);
      this.skippedPrefix = clean(head.subarray(0, this.keepBytes).toString("utf8"));
      this.skippedBytes = this.partBytes + (end - start);
      this.skipping = true;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(chunk.subarray(start, end));
    this.partBytes += end - start;
  }

  private endLine(): void {
    if (this.skipping) {
      this.sink.oversize(this.skippedPrefix, this.skippedBytes);
      this.skipping = false;
      this.skippedBytes = 0;
      this.skippedPrefix = "";
      return;
    }
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partBytes);
    const bytes = this.partBytes;
    this.parts = [];
    this.partBytes = 0;
    this.sink.line(clean(buf.toString("utf8")), bytes);
  }
}

function clean(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}
