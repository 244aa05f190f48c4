// Counts the items of an export as it streams by, for the progress bar, without keeping it.
// JSON lines and the JSON array put one item object per line (the server's export writes
// them so, and JSON.stringify escapes newlines inside values), so an item is a line that
// starts with `{`. CSV may break a quoted cell over several lines, so there only newlines
// outside quotes end a row, and the first row is the header.

import { Transform, type TransformCallback } from "node:stream";

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const BRACE = 0x7b;

export class RowCounter extends Transform {
  private lines = 0;
  private objects = 0;
  private inQuotes = false;
  private atLineStart = true;

  constructor(
    private readonly format: "csv" | "json" | "jsonl",
    private readonly onRows: (rows: number) => void = () => {},
  ) {
    super();
  }

  /** Items seen so far. */
  get rows(): number {
    return this.format === "csv" ? Math.max(0, this.lines - 1) : this.objects;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const before = this.rows;
    if (this.format === "csv") {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        // `""` inside a quoted cell toggles twice, so a plain toggle tracks quoting correctly.
        if (b === QUOTE) this.inQuotes = !this.inQuotes;
        else if (b === NEWLINE && !this.inQuotes) this.lines++;
      }
    } else {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (this.atLineStart && b === BRACE) this.objects++;
        this.atLineStart = b === NEWLINE;
      }
    }
    if (this.rows !== before) this.onRows(this.rows);
    done(null, chunk);
  }
}
