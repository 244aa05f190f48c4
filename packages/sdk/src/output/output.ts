// Where a run's items, logs, requests, stats and outcome go: the platform's message channel
// (TRAWLER_FIFO) or, standalone, stderr plus an item file.
import { formatChannelLine, levelName, MAX_LINE_BYTES, type RequestMessage } from "@trawler/core";
import { LineWriter } from "./line-writer.ts";
import { AckReader } from "./ack-reader.ts";
import { createItemFile, type ItemFile } from "./item-file.ts";

export interface Output {
  /** Returns a promise when the consumer is slow; awaiting it is the back-pressure. */
  item(item: Record<string, unknown>): Promise<void> | undefined;
  log(level: number, message: string): void;
  request(message: RequestMessage): void;
  stats(time: number, stats: Record<string, unknown>): void;
  finish(outcome: string): void;
  /** Resolves when everything written so far was handed to the OS. */
  flushed(): Promise<void>;
  close(): Promise<void>;
  /** Called when the output can no longer be written (the platform's reader is gone). */
  onFailure?(listener: (error: Error) => void): void;
}

/** Too large for one channel line: replaced by an error log rather than breaking the channel. */
export class ItemTooLarge extends Error {
  override name = "ItemTooLarge";
}

export class ChannelOutput implements Output {
  private readonly writer: LineWriter;
  private readonly acks: AckReader | undefined;
  /** Lines written so far: what the worker's acknowledgements count. */
  private lines = 0;

  constructor(fifoPath: string, ackFifoPath?: string) {
    this.writer = new LineWriter(fifoPath, "w");
    this.acks = ackFifoPath ? new AckReader(ackFifoPath) : undefined;
  }

  private line(text: string): Promise<void> | undefined {
    this.lines++;
    return this.writer.write(text);
  }

  item(item: Record<string, unknown>): Promise<void> | undefined {
    const line = formatChannelLine("ITM", item);
    if (line.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(line) > MAX_LINE_BYTES)
      throw new ItemTooLarge(
        `item of ${Buffer.byteLength(line)} bytes is over the channel's ${MAX_LINE_BYTES}-byte line limit`,
      );
    return this.line(line);
  }

  log(level: number, message: string): void {
    const max = MAX_LINE_BYTES / 4;
    const text = message.length > max ? `${message.slice(0, max)}… (truncated)` : message;
    this.line(formatChannelLine("LOG", { time: Date.now(), level, message: text }));
  }

  request(message: RequestMessage): void {
    this.line(formatChannelLine("REQ", message));
  }

  stats(time: number, stats: Record<string, unknown>): void {
    this.line(formatChannelLine("STA", { time, stats }));
  }

  finish(outcome: string): void {
    this.line(formatChannelLine("FIN", { outcome: outcome.slice(0, 255) }));
  }

  /** Written to the pipe and, under a worker that acknowledges, committed by it. */
  async flushed(): Promise<void> {
    const lines = this.lines;
    await this.writer.flushed();
    await this.acks?.until(lines);
  }

  close(): Promise<void> {
    this.acks?.close();
    return this.writer.close();
  }

  onFailure(listener: (error: Error) => void): void {
    this.writer.onError(listener);
  }
}

export class StandaloneOutput implements Output {
  private readonly items: ItemFile | undefined;

  constructor(
    private readonly spiderName: string,
    itemPath: string | undefined,
  ) {
    this.items = itemPath ? createItemFile(itemPath) : undefined;
  }

  item(item: Record<string, unknown>): Promise<void> | undefined {
    return this.items?.write(item);
  }

  log(level: number, message: string): void {
    const ts = new Date().toISOString().replace("T", " ").slice(0, 19);
    process.stderr.write(`${ts} [${this.spiderName}] ${levelName(level)}: ${message}\n`);
  }

  request(_message: RequestMessage): void {}

  stats(_time: number, _stats: Record<string, unknown>): void {}

  finish(_outcome: string): void {}

  flushed(): Promise<void> {
    return this.items ? this.items.flushed() : Promise.resolve();
  }

  async close(): Promise<void> {
    await this.items?.close();
  }
}
