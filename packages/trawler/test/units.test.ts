// The CLI's pure parts: SSE parsing, export row counting, option parsing, formatting.

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readSse, type SseEvent } from "../src/cli/sse.ts";
import { RowCounter } from "../src/cli/rowCounter.ts";
import { collectKeyValue } from "../src/cli/options.ts";
import { duration, table } from "../src/cli/format.ts";

function webStream(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c));
      controller.close();
    },
  });
}

async function events(chunks: string[]): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const ev of readSse(webStream(chunks))) out.push(ev);
  return out;
}

describe("readSse", () => {
  it("parses events, ids, comments and multi-line data across chunk boundaries", async () => {
    const text =
      ': keep-alive\n\nevent: log\nid: 7\ndata: {"a":1}\n\ndata: one\ndata: two\n\nevent: end\r\ndata: {}\r\n\r\n';
    // Every split point must give the same events, including between CR and LF.
    const whole = await events([text]);
    expect(whole).toEqual([
      { event: "log", data: '{"a":1}', id: "7" },
      { event: "message", data: "one\ntwo", id: "7" },
      { event: "end", data: "{}", id: "7" },
    ]);
    for (let i = 1; i < text.length; i++) expect(await events([text.slice(0, i), text.slice(i)])).toEqual(whole);
  });

  it("drops an event cut off before its blank line", async () => {
    expect(await events(["data: complete\n\ndata: cut"])).toEqual([
      { event: "message", data: "complete", id: undefined },
    ]);
  });
});

async function countRows(format: "csv" | "json" | "jsonl", text: string, chunk = 3): Promise<number> {
  const counter = new RowCounter(format);
  const parts: Buffer[] = [];
  for (let i = 0; i < text.length; i += chunk) parts.push(Buffer.from(text.slice(i, i + chunk)));
  await pipeline(Readable.from(parts), counter, new Writable({ write: (_c, _e, cb) => cb() }));
  return counter.rows;
}

describe("RowCounter", () => {
  it("counts CSV rows, not the header or newlines inside quoted cells", async () => {
    expect(await countRows("csv", 'a,b\n1,"x\ny ""q"""\n2,z\n')).toBe(2);
    expect(await countRows("csv", "a,b\n")).toBe(0);
  });

  it("counts JSON lines and JSON array items", async () => {
    expect(await countRows("jsonl", '{"a":1}\n{"a":"{"}\n')).toBe(2);
    expect(await countRows("json", '[\n{"a":1},\n{"a":"x\\n{"}\n]\n')).toBe(2);
    expect(await countRows("json", "[]\n")).toBe(0);
  });
});

describe("options and formatting", () => {
  it("collects -a NAME=VALUE, splitting at the first =", () => {
    expect(collectKeyValue("q=a=b", { x: "1" })).toEqual({ x: "1", q: "a=b" });
    expect(collectKeyValue("empty=", undefined)).toEqual({ empty: "" });
    expect(() => collectKeyValue("novalue", undefined)).toThrow(/NAME=VALUE/);
    expect(() => collectKeyValue("=v", undefined)).toThrow(/NAME=VALUE/);
  });

  it("formats durations and aligns tables", () => {
    expect([duration(850), duration(12_400), duration(185_000), duration(7_380_000)]).toEqual([
      "850ms",
      "12s",
      "3m05s",
      "2h03m",
    ]);
    expect(
      table(
        ["key", "items"],
        [
          ["1/1/1", "5"],
          ["1/1/10", "120"],
        ],
      ),
    ).toBe("key     items\n1/1/1       5\n1/1/10    120\n");
  });
});
