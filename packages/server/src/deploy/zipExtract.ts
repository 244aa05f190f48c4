// Unpacks a .zip with yauzl, reading names as raw bytes so that our own checks (not
// yauzl's) decide, with our error codes, what is refused.

import type { Readable } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { badRequest, TrawlerError } from "../errors.ts";
import { describeName, safeEntrySegments } from "./entryPath.ts";
import type { ArchiveLimits } from "./limits.ts";
import type { ProjectWriter } from "./projectWriter.ts";

// yauzl 3 exports this but @types/yauzl (written for 2.x) does not declare it.
const getFileNameLowLevel = (
  yauzl as unknown as {
    getFileNameLowLevel(flags: number, raw: Buffer, extraFields: Entry["extraFields"], strict: boolean): string;
  }
).getFileNameLowLevel;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export async function extractZip(archiveFile: string, writer: ProjectWriter, limits: ArchiveLimits): Promise<void> {
  const zip = await openZip(archiveFile);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new TrawlerError(
        413,
        "archive_too_many_entries",
        `the archive has ${zip.entryCount} entries, more than ${limits.maxEntries}`,
      );
    }
    for (let entry = await nextEntry(zip); entry !== undefined; entry = await nextEntry(zip)) {
      await handleEntry(zip, entry, writer, limits);
    }
  } finally {
    zip.close();
  }
}

async function handleEntry(zip: ZipFile, entry: Entry, writer: ProjectWriter, limits: ArchiveLimits): Promise<void> {
  // With strict=false yauzl turns backslashes into slashes; safeEntrySegments would too.
  const name = getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileName as unknown as Buffer,
    entry.extraFields,
    false,
  );
  writer.countEntry(name);
  const segments = safeEntrySegments(name, limits);
  // Unix zips keep st_mode in the high half of the external attributes; others leave 0.
  const unixMode = entry.externalFileAttributes >>> 16;
  const type = unixMode & S_IFMT;
  if (type === S_IFLNK) {
    throw badRequest(
      "archive_link_refused",
      `entry ${describeName(name)} is a symbolic link: links are refused, archive the file itself`,
    );
  }
  if (type === S_IFDIR || name.endsWith("/")) {
    await writer.makeDirectory(name, segments);
    return;
  }
  if (type !== 0 && type !== S_IFREG) {
    throw badRequest(
      "archive_entry_type_refused",
      `entry ${describeName(name)} is a device, FIFO or socket: only files and directories are accepted`,
    );
  }
  if (segments.length === 0)
    throw badRequest("invalid_archive", `entry ${describeName(name)} is a file without a name`);
  writer.reserve(name, entry.uncompressedSize);
  const stream = await openEntry(zip, entry, name);
  await writer.writeFile(name, segments, (unixMode & 0o111) !== 0, corruptionAsInvalid(stream, name));
}

// A stream error here is the archive's fault (bad deflate data, size mismatch), so a 400.
async function* corruptionAsInvalid(stream: Readable, name: string): AsyncIterable<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw badRequest("invalid_archive", `entry ${describeName(name)} is corrupt: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
}

function openZip(file: string): Promise<ZipFile> {
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
  return new Promise((resolve, reject) => {
    yauzl.open(file, options, (error, zip) => {
      if (error) reject(badRequest("invalid_archive", `not a readable zip archive: ${error.message}`));
      else resolve(zip);
    });
  });
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: Entry) => (cleanup(), resolve(entry));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = (error: Error) => (
      cleanup(),
      reject(badRequest("invalid_archive", `not a readable zip archive: ${error.message}`))
    );
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry, name: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(badRequest("invalid_archive", `entry ${describeName(name)} cannot be read: ${error.message}`));
      else {
        // The stream may fail (e.g. "too many bytes") before we start reading it; the
        // error stays in its state for the reader, so only the event needs a listener.
        stream.on("error", () => undefined);
        resolve(stream);
      }
    });
  });
}
