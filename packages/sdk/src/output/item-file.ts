// `-o FILE` item exporters, chosen by extension: .jsonl/.jl (JSON lines, the default),
// .json (one array) and .csv (columns from the first item, like Scrapy).
import { LineWriter } from "./line-writer.ts";

export interface ItemFile {
  write(item: Record<string, unknown>): Promise<void> | undefined;
  flushed(): Promise<void>;
  close(): Promise<void>;
}

export function createItemFile(file: string): ItemFile {
  const lower = file.toLowerCase();
  const writer = new LineWriter(file, "w");
  if (lower.endsWith(".json")) return new JsonArrayFile(writer);
  if (lower.endsWith(".csv")) return new CsvFile(writer);
  return {
    write: (item) => writer.write(`${JSON.stringify(item)}\n`),
    flushed: () => writer.flushed(),
    close: () => writer.close(),
  };
}

class JsonArrayFile implements ItemFile {
  private first = true;
  constructor(private readonly writer: LineWriter) {}

  write(item: Record<string, unknown>): Promise<void> | undefined {
    const text = `${this.first ? "[\n" : ",\n"}${JSON.stringify(item)}`;
    this.first = false;
    return this.writer.write(text);
  }

  flushed(): Promise<void> {
    return this.writer.flushed();
  }

  async close(): Promise<void> {
    this.writer.write(this.first ? "[]\n" : "\n]\n");
    await this.writer.close();
  }
}

class CsvFile implements ItemFile {
  private columns: string[] | undefined;
  constructor(private readonly writer: LineWriter) {}

  write(item: Record<string, unknown>): Promise<void> | undefined {
    if (!this.columns) {
      this.columns = Object.keys(item);
      this.writer.write(`${this.columns.map(csvCell).join(",")}\r\n`);
    }
    return this.writer.write(`${this.columns.map((c) => csvCell(item[c])).join(",")}\r\n`);
  }

  flushed(): Promise<void> {
    return this.writer.flushed();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
