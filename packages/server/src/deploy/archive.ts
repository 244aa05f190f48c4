// Entry point for deploying an uploaded archive: spool, hash, detect the format by
// its magic bytes, unpack under destDir with every safety check, and undo it all on
// failure. Nothing is ever written outside destDir except the spool file in the OS
// temporary directory, which is removed before returning.

import { randomBytes, createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { lstat, mkdir, mkdtemp, open, readdir, rename, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { badRequest } from "../errors.ts";
import { resolveLimits, type ArchiveLimits, type ExtractResult } from "./limits.ts";
import { emptyDirectory, ProjectWriter } from "./projectWriter.ts";
import { extractTar } from "./tarExtract.ts";
import { extractZip } from "./zipExtract.ts";

export type ArchiveFormat = "tar.gz" | "tar" | "zip";

/**
 * Unpacks a .tar.gz, .tar or .zip (a stream, or the path of a file) into destDir, a
 * fresh directory. A single top-level folder (other than `spiders/`) is unwrapped so
 * its contents become the project root. Throws TrawlerError 400/413 on any refusal,
 * after emptying destDir.
 */
export async function extractArchive(
  source: Readable | string,
  destDir: string,
  limits?: Partial<ArchiveLimits>,
): Promise<ExtractResult> {
  const resolved = resolveLimits(limits);
  await mkdir(destDir, { recursive: true });
  const spoolDir = typeof source === "string" ? undefined : await mkdtemp(join(tmpdir(), "trawler-upload-"));
  try {
    const archiveFile = spoolDir === undefined ? (source as string) : join(spoolDir, "archive");
    const sha256 = spoolDir === undefined ? await hashFile(archiveFile) : await spool(source as Readable, archiveFile);
    const format = await detectFormat(archiveFile);
    const writer = new ProjectWriter(destDir, resolved);
    try {
      if (format === "zip") await extractZip(archiveFile, writer, resolved);
      else await extractTar(archiveFile, writer, resolved);
      await unwrapSingleTopFolder(destDir);
    } catch (error) {
      await emptyDirectory(destDir);
      throw error;
    }
    return { files: writer.fileCount, bytes: writer.bytes, sha256 };
  } finally {
    if (spoolDir !== undefined) await rm(spoolDir, { recursive: true, force: true });
  }
}

export async function detectFormat(file: string): Promise<ArchiveFormat> {
  const handle = await open(file, "r");
  const head = Buffer.alloc(512);
  let length: number;
  try {
    ({ bytesRead: length } = await handle.read(head, 0, head.length, 0));
  } finally {
    await handle.close();
  }
  if (length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "tar.gz";
  // Local file header, or the end-of-central-directory record of an empty zip.
  if (
    length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))
  ) {
    return "zip";
  }
  if (length === 512 && head.toString("latin1", 257, 262) === "ustar") return "tar";
  throw badRequest("invalid_archive", "the upload is not a .tar.gz, .tar or .zip archive");
}

async function spool(source: Readable, file: string): Promise<string> {
  const hash = createHash("sha256");
  source.on("data", (chunk: Buffer) => hash.update(chunk));
  await pipeline(source, createWriteStream(file, { flags: "wx", mode: 0o600 }));
  return hash.digest("hex");
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

// People often archive the folder rather than its contents (`tar czf p.tgz myproject`).
// `spiders/` alone is left as it is: it is where SDK spiders are looked for.
async function unwrapSingleTopFolder(destDir: string): Promise<void> {
  const names = await readdir(destDir);
  const only = names[0];
  if (names.length !== 1 || only === undefined || only === "spiders") return;
  const topPath = join(destDir, only);
  const top = await lstat(topPath);
  if (!top.isDirectory()) return;
  // Moved aside first so a child with the folder's own name cannot collide with it.
  const aside = join(destDir, `.trawler-unwrap-${randomBytes(6).toString("hex")}`);
  await rename(topPath, aside);
  for (const child of await readdir(aside)) await rename(join(aside, child), join(destDir, child));
  await rmdir(aside);
}
