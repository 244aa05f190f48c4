// Deploying from a directory: copy and pack take the same files, skip the same folders,
// refuse links, and pack → extract gives back the source tree.

import { spawnSync } from "node:child_process";
import { mkdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractArchive } from "../../src/deploy/archive.ts";
import { copyProjectDirectory } from "../../src/deploy/copyDirectory.ts";
import { packProjectDirectory } from "../../src/deploy/packDirectory.ts";
import { readTree, sampleProject, writeTree } from "./projectTree.ts";
import { expectNothingEscaped, expectTrawlerError, makeSandbox, type Sandbox } from "./sandbox.ts";

let box: Sandbox;
let src: string;
beforeEach(async () => {
  box = await makeSandbox();
  src = join(box.store, "project");
  await writeTree(src, sampleProject);
  await writeTree(src, {
    "node_modules/dep/index.js": "skipped",
    ".git/HEAD": "skipped",
    "trawler-data/trawler.db": "skipped",
    "spiders/node_modules/x.js": "skipped too",
  });
});
afterEach(async () => {
  await box.cleanup();
});

const sampleTree = () =>
  Object.fromEntries(Object.entries(sampleProject).map(([name, content]) => [name, Buffer.from(content)]));

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("copyProjectDirectory", () => {
  it("copies regular files, skips node_modules, .git and trawler-data, keeps the executable bit", async () => {
    const result = await copyProjectDirectory(src, box.dest);
    expect(await readTree(box.dest)).toEqual(sampleTree());
    expect(result.files).toBe(Object.keys(sampleProject).length);
    expect(result.bytes).toBe(
      Object.values(sampleProject).reduce((sum, content) => sum + Buffer.byteLength(content), 0),
    );
    expect((await stat(join(box.dest, "run.sh"))).mode & 0o777).toBe(0o755);
    expect((await stat(join(box.dest, "books.py"))).mode & 0o777).toBe(0o644);
  });

  it("hashes the same tree the same way, and a changed file differently", async () => {
    const first = await copyProjectDirectory(src, box.dest);
    const again = await copyProjectDirectory(src, join(box.parent, "again"));
    expect(again.sha256).toBe(first.sha256);
    await writeFile(join(src, "books.py"), "print('changed')\n");
    const changed = await copyProjectDirectory(src, join(box.parent, "changed"));
    expect(changed.sha256).not.toBe(first.sha256);
  });

  it("refuses a symlink pointing outside the project", async () => {
    await symlink("/etc/passwd", join(src, "spiders", "passwd"));
    const error = await expectTrawlerError(copyProjectDirectory(src, box.dest), 400, "archive_link_refused");
    expect(error.message).toContain("spiders/passwd");
    await expectNothingEscaped(box);
  });

  it("refuses a symlink inside the project too (versions hold regular files only)", async () => {
    await symlink("books.py", join(src, "alias.py"));
    await expectTrawlerError(copyProjectDirectory(src, box.dest), 400, "archive_link_refused");
    await expectNothingEscaped(box);
  });

  it("refuses a FIFO", async () => {
    expect(spawnSync("mkfifo", [join(src, "pipe")]).status).toBe(0);
    await expectTrawlerError(copyProjectDirectory(src, box.dest), 400, "archive_entry_type_refused");
    await expectNothingEscaped(box);
  });

  it("applies the size and entry limits before copying", async () => {
    await expectTrawlerError(copyProjectDirectory(src, box.dest, { maxBytes: 1000 }), 413, "archive_too_large");
    await expectNothingEscaped(box);
    await expectTrawlerError(copyProjectDirectory(src, box.dest, { maxEntries: 3 }), 413, "archive_too_many_entries");
    await expectNothingEscaped(box);
  });

  it("says clearly when the source is not a directory", async () => {
    await expectTrawlerError(copyProjectDirectory(join(src, "missing"), box.dest), 400, "invalid_project_directory");
  });
});

describe("packProjectDirectory", () => {
  it("round-trips through extractArchive to the same tree, without the skipped folders", async () => {
    const archive = await collect(packProjectDirectory(src));
    expect(archive[0]).toBe(0x1f);
    const file = join(box.store, "packed.tar.gz");
    await writeFile(file, archive);
    await extractArchive(file, box.dest);
    expect(await readTree(box.dest)).toEqual(sampleTree());
    expect((await stat(join(box.dest, "run.sh"))).mode & 0o777).toBe(0o755);
  });

  it("fails the stream with the same error the server would give", async () => {
    await mkdir(join(src, "links"));
    await symlink("/etc", join(src, "links", "etc"));
    await expect(collect(packProjectDirectory(src))).rejects.toMatchObject({
      statusCode: 400,
      code: "archive_link_refused",
    });
  });
});
