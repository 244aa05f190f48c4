// Happy paths: real-world layouts unpack to the project root with the right counts and hash.

import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractArchive } from "../../src/deploy/archive.ts";
import { tar, tarEntry, tarGz, zip } from "./archiveBuilders.ts";
import { readTree } from "./projectTree.ts";
import { asSource, makeSandbox, type Sandbox } from "./sandbox.ts";

let box: Sandbox;
beforeEach(async () => {
  box = await makeSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

const files: Record<string, string> = {
  "trawler.json": "{}",
  "spiders/a.ts": "export class A {}\n",
  "lib/util.js": "export const x = 1;\n",
};
const expected = Object.fromEntries(Object.entries(files).map(([name, content]) => [name, Buffer.from(content)]));
const tarEntries = (prefix: string) => [
  ...(prefix === "" ? [] : [tarEntry({ name: prefix, type: "5", mode: 0o755 })]),
  ...Object.entries(files).map(([name, data]) => tarEntry({ name: `${prefix}${name}`, data })),
];
const zipEntries = (prefix: string) => [
  ...(prefix === "" ? [] : [{ name: prefix, mode: 0o040755 }]),
  ...Object.entries(files).map(([name, data]) => ({ name: `${prefix}${name}`, data, deflate: true })),
];

describe("extractArchive unpacks projects", () => {
  const layouts: [string, Buffer][] = [
    ["tar.gz without a top-level folder", tarGz(tarEntries(""))],
    ["tar.gz with a top-level folder", tarGz(tarEntries("myproject/"))],
    ["tar.gz with ./ names", tarGz(tarEntries("./"))],
    ["plain tar with a top-level folder", tar(tarEntries("myproject/"))],
    ["zip without a top-level folder", zip(zipEntries(""))],
    ["zip with a top-level folder", zip(zipEntries("myproject/"))],
    [
      "zip made on Windows (backslashes)",
      zip(Object.entries(files).map(([name, data]) => ({ name: `proj\\${name.replace("/", "\\")}`, data, mode: 0 }))),
    ],
  ];
  for (const [label, archive] of layouts) {
    it(label, async () => {
      for (const kind of ["file", "stream"] as const) {
        const result = await extractArchive(await asSource(box, archive, kind), box.dest);
        expect(await readTree(box.dest)).toEqual(expected);
        expect(result).toEqual({ files: 3, bytes: 40, sha256: createHash("sha256").update(archive).digest("hex") });
        await box.cleanup();
        box = await makeSandbox();
      }
    });
  }

  it("unwraps a top-level folder holding a child of its own name", async () => {
    const archive = tarGz([
      tarEntry({ name: "p/p/inner.txt", data: "in" }),
      tarEntry({ name: "p/outer.txt", data: "out" }),
    ]);
    await extractArchive(Readable.from([archive]), box.dest);
    expect(Object.keys(await readTree(box.dest))).toEqual(["outer.txt", "p/inner.txt"]);
  });

  it("leaves a lone spiders/ folder where discovery looks for it", async () => {
    await extractArchive(Readable.from([tarGz([tarEntry({ name: "spiders/a.ts", data: "x" })])]), box.dest);
    expect(Object.keys(await readTree(box.dest))).toEqual(["spiders/a.ts"]);
  });

  it("keeps the executable bit and strips setuid, setgid and sticky", async () => {
    const archive = tarGz([
      tarEntry({ name: "run.sh", data: "#!/bin/sh\n", mode: 0o6755 }),
      tarEntry({ name: "plain.txt", data: "x", mode: 0o1666 }),
    ]);
    await extractArchive(Readable.from([archive]), box.dest);
    expect((await stat(join(box.dest, "run.sh"))).mode & 0o7777).toBe(0o755);
    expect((await stat(join(box.dest, "plain.txt"))).mode & 0o7777).toBe(0o644);
  });

  it("lets a later entry of the same name replace an earlier one, as tar does", async () => {
    const archive = tarGz([tarEntry({ name: "a.txt", data: "first" }), tarEntry({ name: "a.txt", data: "second" })]);
    const result = await extractArchive(Readable.from([archive]), box.dest);
    expect((await readTree(box.dest))["a.txt"]?.toString()).toBe("second");
    expect(result.files).toBe(1);
  });

  it("accepts an archive exactly at the limits", async () => {
    const archive = tarGz([tarEntry({ name: "a/b/c.txt", data: "12345" }), tarEntry({ name: "d.txt", data: "67890" })]);
    const result = await extractArchive(Readable.from([archive]), box.dest, {
      maxBytes: 10,
      maxEntries: 2,
      maxDepth: 3,
      maxPathLength: 9,
    });
    expect(result.bytes).toBe(10);
  });
});
