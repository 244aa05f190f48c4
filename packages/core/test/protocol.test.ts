import { describe, expect, it } from "vitest";
import { formatChannelLine, parseChannelLine, parseJobKey, formatJobKey, canTransition, nameProblem } from "../src/index.ts";

describe("channel protocol", () => {
  it("parses every message type", () => {
    expect(parseChannelLine('ITM {"a":1}')).toMatchObject({ type: "ITM", item: { a: 1 } });
    expect(parseChannelLine('{"bare":true}')).toMatchObject({ type: "ITM", item: { bare: true } });
    expect(parseChannelLine('LOG {"time":5,"level":40,"message":"x"}')).toEqual({
      type: "LOG",
      log: { time: 5, level: 40, message: "x" },
    });
    expect(parseChannelLine('REQ {"url":"http://a/","status":200,"rs":10,"duration":3,"time":1}')).toMatchObject({
      type: "REQ",
      request: { url: "http://a/", method: "GET", status: 200, rs: 10 },
    });
    expect(parseChannelLine('STA {"time":1,"stats":{"item_scraped_count":3}}')).toMatchObject({ type: "STA" });
    expect(parseChannelLine('FIN {"outcome":"banned"}')).toEqual({ type: "FIN", outcome: "banned" });
  });

  it("reports malformed lines instead of throwing", () => {
    for (const line of ["garbage", "ITM [1,2]", "ITM {", "LOG 5", "FIN {}", "REQ {}", "\u0000\u0001", ""]) {
      expect(parseChannelLine(line).type).toBe("invalid");
    }
  });

  it("round-trips what it formats", () => {
    const line = formatChannelLine("ITM", { title: "x\ny" });
    expect(line.endsWith("\n")).toBe(true);
    expect(parseChannelLine(line.slice(0, -1))).toMatchObject({ item: { title: "x\ny" } });
  });
});

describe("job keys and states", () => {
  it("formats and parses keys", () => {
    expect(parseJobKey(formatJobKey({ project: 1, spider: 3, number: 42 }))).toEqual({ project: 1, spider: 3, number: 42 });
    for (const bad of ["1/3", "0/1/1", "1/3/x", "../1/2", "1/2/3/4"]) expect(parseJobKey(bad)).toBeUndefined();
  });
  it("allows only the documented transitions", () => {
    expect(canTransition("pending", "running")).toBe(true);
    expect(canTransition("finished", "running")).toBe(false);
    expect(canTransition("paused", "running")).toBe(false);
  });
  it("rejects dangerous names", () => {
    for (const bad of ["../../etc", "a/b", "", "x".repeat(101), ";id", "a\u0000"]) expect(nameProblem(bad)).toBeDefined();
    expect(nameProblem("books-2.v1")).toBeUndefined();
  });
});
