// trawler.json validation: every mistake is a 400 invalid_manifest naming the JSON path.

import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/deploy/manifest.ts";
import { TrawlerError } from "../../src/errors.ts";

function refusal(manifest: unknown): TrawlerError {
  try {
    parseManifest(typeof manifest === "string" ? manifest : JSON.stringify(manifest));
  } catch (error) {
    expect(error).toBeInstanceOf(TrawlerError);
    return error as TrawlerError;
  }
  throw new Error("manifest was accepted");
}

describe("parseManifest", () => {
  it("reads command spiders, SDK file spiders, env and sdk patterns", () => {
    const manifest = parseManifest(
      JSON.stringify({
        name: "shop",
        description: "books and quotes",
        spiders: {
          books: { command: ["python3", "books.py", "--flag=$(id)"], env: { API_BASE: "http://x" } },
          quotes: { file: "crawlers/quotes.ts" },
        },
        sdk: ["crawlers/**/*.ts"],
      }),
    );
    expect(manifest).toEqual({
      name: "shop",
      spiders: [
        { name: "books", command: ["python3", "books.py", "--flag=$(id)"], env: { API_BASE: "http://x" } },
        { name: "quotes", file: "crawlers/quotes.ts" },
      ],
      sdk: ["crawlers/**/*.ts"],
    });
  });

  it("accepts an empty manifest", () => {
    expect(parseManifest("{}")).toEqual({ spiders: [], sdk: [] });
  });

  const cases: [string, unknown, string][] = [
    ["not JSON", "{ spiders: ", "not valid JSON"],
    ["an array", [], "$: must be a JSON object"],
    ["an unknown top-level field", { spider: {} }, "$.spider: unknown field"],
    ["an unknown spider field", { spiders: { a: { command: ["x"], cmd: "y" } } }, "$.spiders.a.cmd: unknown field"],
    [
      "a command given as a string",
      { spiders: { a: { command: "python3 a.py; rm -rf /" } } },
      "$.spiders.a.command: must be an array of strings",
    ],
    ["an empty command", { spiders: { a: { command: [] } } }, "$.spiders.a.command: must be a non-empty array"],
    [
      "a command with a number in it",
      { spiders: { a: { command: ["python3", 3] } } },
      "$.spiders.a.command[1]: must be a string",
    ],
    ["a command with an empty program", { spiders: { a: { command: [""] } } }, "$.spiders.a.command[0]"],
    [
      "a command with a NUL",
      { spiders: { a: { command: ["sh", "a\u0000b"] } } },
      "$.spiders.a.command[1]: must not contain a NUL",
    ],
    [
      "both command and file",
      { spiders: { a: { command: ["x"], file: "a.ts" } } },
      "$.spiders.a: needs exactly one of",
    ],
    ["neither command nor file", { spiders: { a: {} } }, "$.spiders.a: needs exactly one of"],
    [
      "a spider name with a slash",
      { spiders: { "a/b": { command: ["x"] } } },
      '$.spiders["a/b"]: spider name "a/b" must be',
    ],
    ["a traversal spider name", { spiders: { "../../etc": { command: ["x"] } } }, '$.spiders["../../etc"]'],
    ["a 1 MB spider name", { spiders: { ["n".repeat(1_000_000)]: { command: ["x"] } } }, "must be 1-100 characters"],
    ["a bad project name", { name: "my project" }, "$.name: must be"],
    ["a file outside the root", { spiders: { a: { file: "../other/a.ts" } } }, "$.spiders.a.file"],
    ["an absolute file", { spiders: { a: { file: "/etc/a.ts" } } }, "$.spiders.a.file"],
    [
      "a file that is not a spider file",
      { spiders: { a: { file: "a.py" } } },
      '$.spiders.a.file: must be a .ts, .mts, .js, .mjs file; use "command"',
    ],
    [
      "a non-string env value",
      { spiders: { a: { command: ["x"], env: { A: 1 } } } },
      "$.spiders.a.env.A: must be a string",
    ],
    [
      "an env name with a space",
      { spiders: { a: { command: ["x"], env: { "A B": "x" } } } },
      '$.spiders.a.env["A B"]: must be a variable name',
    ],
    [
      "an env name Trawler sets",
      { spiders: { a: { command: ["x"], env: { TRAWLER_FIFO: "/tmp/x" } } } },
      "$.spiders.a.env.TRAWLER_FIFO",
    ],
    ["sdk as a string", { sdk: "crawlers/*.ts" }, "$.sdk: must be an array"],
    ["an sdk pattern escaping the root", { sdk: ["../*.ts"] }, "$.sdk[0]"],
    ["spiders as an array", { spiders: [{ name: "a" }] }, "$.spiders: must be a JSON object"],
  ];
  for (const [label, manifest, mention] of cases) {
    it(`refuses ${label}`, () => {
      const error = refusal(manifest);
      expect({ statusCode: error.statusCode, code: error.code }).toEqual({ statusCode: 400, code: "invalid_manifest" });
      expect(error.message).toContain(mention);
      expect(error.message.length).toBeLessThan(2000);
    });
  }
});
