// Spider discovery over real version directories, with an injected SDK lister standing in
// for the SDK's list-spiders script (one test below runs the real one when it exists).

import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverSpiders, globToRegExp } from "../../src/deploy/discover.ts";
import { createSdkLister, SDK_LIST_SPIDERS, SDK_REGISTER, type SdkLister } from "../../src/deploy/sdkLister.ts";
import { expectTrawlerError } from "./sandbox.ts";
import { writeTree, type Tree } from "./projectTree.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "trawler-discover-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Pretends `<dir>/<name>.ts` exports a spider `<name>`, unless `extra` says otherwise or the file is `failing`. */
function fakeLister(calls: string[][] = [], extra: Record<string, string[]> = {}, failing: string[] = []): SdkLister {
  return async (files) => {
    calls.push(files);
    const spiders = [];
    const errors = [];
    for (const file of files) {
      const rel = relative(dir, file);
      if (failing.includes(rel)) {
        errors.push({ file, message: "SyntaxError: Unexpected token" });
        continue;
      }
      for (const name of extra[rel] ?? [basename(file).replace(/\.[^.]+$/, "")])
        spiders.push({ name, file, className: `${name}Spider` });
    }
    return { spiders, errors };
  };
}

const project = (tree: Tree) => writeTree(dir, tree);

describe("discoverSpiders", () => {
  it("finds SDK spiders under spiders/, skipping tests, declarations and other files", async () => {
    await project({
      "spiders/books.ts": "",
      "spiders/deep/quotes.mjs": "",
      "spiders/books.test.ts": "",
      "spiders/types.d.ts": "",
      "spiders/notes.md": "",
      "lib/helper.ts": "",
      "spiders/node_modules/dep.js": "",
    });
    const calls: string[][] = [];
    const result = await discoverSpiders(dir, { sdkLister: fakeLister(calls) });
    expect(calls).toEqual([[join(dir, "spiders/books.ts"), join(dir, "spiders/deep/quotes.mjs")]]);
    expect(result).toEqual({
      spiders: [
        { name: "books", runtime: "sdk", file: "spiders/books.ts", className: "booksSpider" },
        { name: "quotes", runtime: "sdk", file: "spiders/deep/quotes.mjs", className: "quotesSpider" },
      ],
      warnings: [],
    });
  });

  it("reads command spiders and SDK spiders from trawler.json", async () => {
    await project({
      "trawler.json": JSON.stringify({
        spiders: {
          py: { command: ["python3", "py.py", ";id"], env: { MODE: "fast" } },
          quotes: { file: "crawlers/quotes.ts", env: { A: "1" } },
        },
        sdk: ["more/*.js"],
      }),
      "crawlers/quotes.ts": "",
      "more/extra.js": "",
      "more/deeper/skipped.js": "",
    });
    const calls: string[][] = [];
    const result = await discoverSpiders(dir, { sdkLister: fakeLister(calls) });
    expect(calls[0]?.map((file) => relative(dir, file))).toEqual(["crawlers/quotes.ts", "more/extra.js"]);
    expect(result.spiders).toEqual([
      { name: "extra", runtime: "sdk", file: "more/extra.js", className: "extraSpider" },
      { name: "py", runtime: "command", command: ["python3", "py.py", ";id"], env: { MODE: "fast" } },
      { name: "quotes", runtime: "sdk", file: "crawlers/quotes.ts", className: "quotesSpider", env: { A: "1" } },
    ]);
  });

  it("does not start the lister when there are no SDK files", async () => {
    await project({ "trawler.json": JSON.stringify({ spiders: { sh: { command: ["./run.sh"] } } }), "run.sh": "" });
    const calls: string[][] = [];
    const result = await discoverSpiders(dir, { sdkLister: fakeLister(calls) });
    expect(calls).toEqual([]);
    expect(result.spiders).toEqual([{ name: "sh", runtime: "command", command: ["./run.sh"] }]);
  });

  it("turns a file that fails to load into a warning", async () => {
    await project({ "spiders/good.ts": "", "spiders/broken.ts": "" });
    const result = await discoverSpiders(dir, { sdkLister: fakeLister([], {}, ["spiders/broken.ts"]) });
    expect(result.spiders.map((spider) => spider.name)).toEqual(["good"]);
    expect(result.warnings).toEqual(["spiders/broken.ts: SyntaxError: Unexpected token"]);
  });

  it("refuses a manifest file spider the file does not export", async () => {
    await project({
      "trawler.json": JSON.stringify({ spiders: { wanted: { file: "spiders/other.ts" } } }),
      "spiders/other.ts": "",
    });
    const error = await expectTrawlerError(discoverSpiders(dir, { sdkLister: fakeLister() }), 400, "invalid_manifest");
    expect(error.message).toContain("exports no spider of that name (it exports: other)");
  });

  it("refuses a manifest file spider whose file does not exist", async () => {
    await project({ "trawler.json": JSON.stringify({ spiders: { gone: { file: "spiders/gone.ts" } } }) });
    await expectTrawlerError(discoverSpiders(dir, { sdkLister: fakeLister() }), 400, "invalid_manifest");
  });

  it("refuses an invalid trawler.json", async () => {
    await project({
      "trawler.json": JSON.stringify({ spiders: { a: { command: "python3 a.py" } } }),
      "spiders/b.ts": "",
    });
    const error = await expectTrawlerError(discoverSpiders(dir, { sdkLister: fakeLister() }), 400, "invalid_manifest");
    expect(error.message).toContain("$.spiders.a.command");
  });

  it("refuses two spiders of one name, naming both sources", async () => {
    await project({
      "trawler.json": JSON.stringify({ spiders: { books: { command: ["python3", "books.py"] } } }),
      "spiders/books.ts": "",
    });
    const error = await expectTrawlerError(discoverSpiders(dir, { sdkLister: fakeLister() }), 400, "duplicate_spider");
    expect(error.message).toContain("spiders/books.ts");
    expect(error.message).toContain("trawler.json");
  });

  it("refuses two SDK files exporting one name", async () => {
    await project({ "spiders/a.ts": "", "spiders/b.ts": "" });
    const lister = fakeLister([], { "spiders/a.ts": ["same"], "spiders/b.ts": ["same"] });
    await expectTrawlerError(discoverSpiders(dir, { sdkLister: lister }), 400, "duplicate_spider");
  });

  it("refuses an SDK spider whose name would be unsafe in paths and URLs", async () => {
    await project({ "spiders/a.ts": "" });
    await expectTrawlerError(
      discoverSpiders(dir, { sdkLister: fakeLister([], { "spiders/a.ts": ["../../etc"] }) }),
      400,
      "invalid_name",
    );
  });

  it("explains both ways to declare a spider when there are none", async () => {
    await project({ "README.md": "hello" });
    const error = await expectTrawlerError(discoverSpiders(dir, { sdkLister: fakeLister() }), 400, "no_spiders");
    expect(error.message).toContain("spiders/");
    expect(error.message).toContain('"command"');
  });

  it("includes load failures in the no_spiders message", async () => {
    await project({ "spiders/broken.ts": "" });
    const error = await expectTrawlerError(
      discoverSpiders(dir, { sdkLister: fakeLister([], {}, ["spiders/broken.ts"]) }),
      400,
      "no_spiders",
    );
    expect(error.message).toContain("SyntaxError");
  });
});

describe("globToRegExp", () => {
  it("matches * within a segment and ** across segments", () => {
    expect(globToRegExp("a/*.ts").test("a/b.ts")).toBe(true);
    expect(globToRegExp("a/*.ts").test("a/b/c.ts")).toBe(false);
    expect(globToRegExp("a/**/*.ts").test("a/c.ts")).toBe(true);
    expect(globToRegExp("a/**/*.ts").test("a/b/c/d.ts")).toBe(true);
    expect(globToRegExp("a.b/?.js").test("aXb/x.js")).toBe(false);
  });
});

describe("the real SDK lister", () => {
  const available = existsSync(SDK_LIST_SPIDERS) && existsSync(SDK_REGISTER);
  it.skipIf(!available)("lists a TypeScript spider importing trawler/sdk, in a child process", async () => {
    await project({
      "spiders/books.ts": [
        'import { Spider } from "trawler/sdk";',
        "export class BooksSpider extends Spider {",
        '  static override name = "books";',
        "  override startUrls = [];",
        "}",
        'console.log("printed while importing");',
      ].join("\n"),
      "spiders/broken.ts": "export const = ;",
    });
    const result = await discoverSpiders(dir);
    expect(result.spiders).toEqual([
      { name: "books", runtime: "sdk", file: "spiders/books.ts", className: "BooksSpider" },
    ]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain("spiders/broken.ts");
  });
});

describe("createSdkLister", () => {
  it("takes the last listing line, ignoring what spider modules print", async () => {
    const script =
      'console.log("noise"); console.log(JSON.stringify({ spiders: [{ name: "a", file: process.argv[1] }], errors: [] })); console.log("{not json")';
    const lister = createSdkLister(dir, { argv: [process.execPath, "-e", script] });
    expect(await lister([join(dir, "spiders/a.ts")])).toEqual({
      spiders: [{ name: "a", file: join(dir, "spiders/a.ts") }],
      errors: [],
    });
  });

  it("gives a clear 400 when the lister crashes", async () => {
    const lister = createSdkLister(dir, {
      argv: [process.execPath, "-e", 'console.error("boom: cannot load"); process.exit(3)'],
    });
    const error = await expectTrawlerError(lister([]), 400, "spider_discovery_failed");
    expect(error.message).toContain("boom: cannot load");
  });

  it("kills a lister that hangs, with its children, after the timeout", async () => {
    const pidFile = join(dir, "grandchild.pid");
    const script = `const c = require("node:child_process").spawn("sleep", ["60"]); require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000)`;
    const lister = createSdkLister(dir, { timeoutMs: 500, argv: [process.execPath, "-e", script] });
    const error = await expectTrawlerError(lister([]), 400, "spider_discovery_failed");
    expect(error.message).toContain("longer than");
    const pid = Number(await readFile(pidFile, "utf8"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Killed means gone or a zombie waiting for init to reap it ("Z" in /proc/PID/stat).
    const state = await readFile(`/proc/${pid}/stat`, "utf8").then(
      (stat) => stat.split(") ")[1]?.[0],
      () => "gone",
    );
    if (state !== "gone" && state !== "Z") process.kill(pid, "SIGKILL");
    expect(["gone", "Z"]).toContain(state);
  });

  it("does not pass the server's environment to spider code", async () => {
    process.env.TRAWLER_TEST_SECRET = "hunter2";
    try {
      const script =
        'console.log(JSON.stringify({ spiders: [], errors: [{ file: "env", message: String(process.env.TRAWLER_TEST_SECRET) }] }))';
      const listing = await createSdkLister(dir, { argv: [process.execPath, "-e", script] })([]);
      expect(listing.errors[0]?.message).toBe("undefined");
    } finally {
      delete process.env.TRAWLER_TEST_SECRET;
    }
  });
});
