// B03 and B05 at file level: bombs stop at the cap (watched on disk while they run),
// entry floods stop at the count, corrupt or foreign uploads are invalid_archive.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractArchive } from "../../src/deploy/archive.ts";
import type { ArchiveLimits } from "../../src/deploy/limits.ts";
import { tar, tarEntry, tarGz, zip } from "./archiveBuilders.ts";
import { asSource, diskBytes, expectNothingEscaped, expectTrawlerError, makeSandbox, type Sandbox } from "./sandbox.ts";

let box: Sandbox;
beforeEach(async () => {
  box = await makeSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

/** Extracts while sampling dest's size; returns the error and the largest size seen. */
async function extractWatched(
  archive: Buffer,
  limits?: Partial<ArchiveLimits>,
): Promise<{ error: Promise<unknown>; peak: () => number }> {
  let peak = 0;
  let watching = true;
  const watch = (async () => {
    while (watching) {
      peak = Math.max(peak, await diskBytes(box.dest));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  const run = extractArchive(Readable.from([archive]), box.dest, limits).finally(async () => {
    watching = false;
    await watch;
  });
  return { error: run, peak: () => peak };
}

// Text that gzip shrinks well but not absurdly, so the byte count (not node-tar's ratio guard) trips.
const compressibleText = (bytes: number): string => {
  let text = "";
  for (let i = 0; text.length < bytes; i++) text += `line ${i} ${(i * 2654435761) % 1000003}\n`;
  return text.slice(0, bytes);
};

describe("size bombs", () => {
  it("refuses 10 KB of gzip that declares a 10 GiB file, before writing it", async () => {
    const header = tarEntry({ name: "huge.bin", size: 10 * 1024 ** 3 });
    const archive = gzipSync(Buffer.concat([header, Buffer.alloc(8 * 1024 * 1024)]));
    expect(archive.length).toBeLessThan(20 * 1024);
    // Either node-tar's decompression-ratio guard or the declared-size check trips first.
    await expectTrawlerError(extractArchive(Readable.from([archive]), box.dest), 413, "archive_too_large");
    await expectNothingEscaped(box);
  });

  it("refuses a declared size over the cap even when the data compresses modestly", async () => {
    const header = tarEntry({ name: "huge.bin", size: 10 * 1024 ** 3 });
    const archive = gzipSync(Buffer.concat([header, Buffer.from(compressibleText(256 * 1024))]));
    const error = await expectTrawlerError(
      extractArchive(Readable.from([archive]), box.dest),
      413,
      "archive_too_large",
    );
    expect(error.message).toContain("huge.bin");
    await expectNothingEscaped(box);
  });

  it("stops honest-sized entries once their sum passes the cap, and disk use never passes it", async () => {
    const cap = 1024 * 1024;
    const chunk = compressibleText(64 * 1024);
    const archive = tarGz(Array.from({ length: 100 }, (_, i) => tarEntry({ name: `part-${i}.txt`, data: chunk })));
    const { error, peak } = await extractWatched(archive, { maxBytes: cap });
    await expectTrawlerError(error, 413, "archive_too_large");
    expect(peak()).toBeLessThanOrEqual(cap);
    await expectNothingEscaped(box);
  });

  it("refuses a gzip bomb of zeros under the default limits", async () => {
    const zeros = Buffer.alloc(1024 * 1024);
    const archive = tarGz(Array.from({ length: 150 }, (_, i) => tarEntry({ name: `zero-${i}`, data: zeros })));
    const { error, peak } = await extractWatched(archive);
    await expectTrawlerError(error, 413, "archive_too_large");
    expect(peak()).toBeLessThanOrEqual(100 * 1024 * 1024);
    await expectNothingEscaped(box);
  });

  it("refuses a zip whose declared size passes the cap", async () => {
    const archive = zip([{ name: "bomb.bin", data: Buffer.alloc(20 * 1024 * 1024), deflate: true }]);
    expect(archive.length).toBeLessThan(100 * 1024);
    await expectTrawlerError(
      extractArchive(Readable.from([archive]), box.dest, { maxBytes: 1024 * 1024 }),
      413,
      "archive_too_large",
    );
    await expectNothingEscaped(box);
  });

  it("refuses a zip entry that lies about its size, without writing past the cap", async () => {
    const archive = zip([{ name: "liar.bin", data: Buffer.alloc(20 * 1024 * 1024), deflate: true, declaredSize: 100 }]);
    const { error, peak } = await extractWatched(archive, { maxBytes: 1024 * 1024 });
    const refusal = await expectTrawlerError(error, 400, "invalid_archive");
    expect(refusal.message).toContain("liar.bin");
    expect(peak()).toBeLessThanOrEqual(1024 * 1024);
    await expectNothingEscaped(box);
  });
});

describe("entry floods", () => {
  it("stops a tar.gz of 100,000 entries at the 10,000 limit", async () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => tarEntry({ name: `f${i}` }));
    const error = await expectTrawlerError(
      extractArchive(Readable.from([tarGz(entries)]), box.dest),
      413,
      "archive_too_many_entries",
    );
    expect(error.message).toContain("10000");
    await expectNothingEscaped(box);
  });

  it("refuses a zip with too many entries before writing any", async () => {
    const archive = zip(Array.from({ length: 200 }, (_, i) => ({ name: `f${i}`, data: "x" })));
    await expectTrawlerError(
      extractArchive(Readable.from([archive]), box.dest, { maxEntries: 100 }),
      413,
      "archive_too_many_entries",
    );
    await expectNothingEscaped(box);
  });
});

describe("corrupt or foreign uploads", () => {
  const project = [
    tarEntry({ name: "spiders/a.ts", data: "export {};\n".repeat(500) }),
    tarEntry({ name: "trawler.json", data: "{}" }),
  ];
  const png = Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(600, 7)]);
  const cases: [string, Buffer, string][] = [
    [
      "a truncated zip",
      zip([{ name: "a.txt", data: "hello ".repeat(1000), deflate: true }]).subarray(0, 120),
      "upload.zip",
    ],
    ["a PNG renamed .zip", png, "logo.zip"],
    ["a truncated tar.gz", tarGz(project).subarray(0, 60), "upload.tar.gz"],
    ["a truncated plain tar", tar(project).subarray(0, 1000), "upload.tar"],
    ["gzip of something that is not a tar", gzipSync(Buffer.from("just some text\n".repeat(100))), "upload.tar.gz"],
    ["an empty upload", Buffer.alloc(0), "upload.tar.gz"],
    [
      "a tar header with a bad checksum",
      gzipSync(tar([Buffer.from(tarEntry({ name: "a.txt", data: "x" }).fill(0x41, 148, 150))])),
      "bad.tgz",
    ],
  ];
  for (const [label, archive, fileName] of cases) {
    it(`refuses ${label} as invalid_archive`, async () => {
      for (const kind of ["file", "stream"] as const) {
        await expectTrawlerError(
          extractArchive(await asSource(box, archive, kind, fileName), box.dest),
          400,
          "invalid_archive",
        );
        await expectNothingEscaped(box);
      }
    });
  }

  it("refuses a zip whose compressed data is damaged", async () => {
    const archive = zip([{ name: "a.txt", data: "hello world ".repeat(2000), deflate: true }]);
    archive.fill(0xff, 40, 80);
    const file = join(box.store, "damaged.zip");
    await writeFile(file, archive);
    await expectTrawlerError(extractArchive(file, box.dest), 400, "invalid_archive");
    await expectNothingEscaped(box);
  });
});
