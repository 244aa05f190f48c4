// Unpacks a tar or tar.gz with node-tar's Parser only for parsing: every file is
// written by ProjectWriter after our own checks, because node-tar's own unpacker
// follows links in ways that have been exploited (CVE-2021-32803, CVE-2021-37701).

import { createReadStream } from "node:fs";
import type { ReadEntry } from "tar";
import { badRequest, TrawlerError } from "../errors.ts";
import { describeName, safeEntrySegments } from "./entryPath.ts";
import type { ArchiveLimits } from "./limits.ts";
import type { ProjectWriter } from "./projectWriter.ts";

const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);
const LINK_TYPES = new Set(["Link", "SymbolicLink"]);
// Small reads keep the decompressed data buffered per read small, even for a bomb.
const READ_CHUNK = 16 * 1024;

export async function extractTar(archiveFile: string, writer: ProjectWriter, limits: ArchiveLimits): Promise<void> {
  // Loaded on the first upload: a server that only runs jobs never needs it.
  const { Parser } = await import("tar");
  return new Promise((resolve, reject) => {
    const input = createReadStream(archiveFile, { highWaterMark: READ_CHUNK });
    const parser = new Parser({ strict: true });
    let queue: Promise<void> = Promise.resolve();
    let failure: unknown;

    // Entries are handled one at a time; after a failure the rest are drained unread.
    const settled = async (): Promise<void> => {
      let seen: Promise<void>;
      do {
        seen = queue;
        await seen;
      } while (seen !== queue);
    };
    const fail = (error: unknown): void => {
      if (failure !== undefined) return;
      failure = error;
      input.unpipe(parser);
      input.destroy();
      void settled().then(() => reject(error));
    };

    parser.on("entry", (entry: ReadEntry) => {
      queue = queue
        .then(() => (failure === undefined ? handleEntry(entry, writer, limits) : undefined))
        .catch((error: unknown) => fail(error))
        .finally(() => entry.resume());
    });
    parser.on("error", (error: Error) => fail(tarError(error)));
    input.on("error", (error) => fail(error));
    parser.on("end", () => {
      void settled().then(() => (failure === undefined ? resolve() : undefined));
    });
    input.pipe(parser);
  });
}

async function handleEntry(entry: ReadEntry, writer: ProjectWriter, limits: ArchiveLimits): Promise<void> {
  const name = entry.path;
  writer.countEntry(name);
  const segments = safeEntrySegments(name, limits);
  if (LINK_TYPES.has(entry.type)) {
    const kind = entry.type === "Link" ? "hard link" : "symbolic link";
    throw badRequest(
      "archive_link_refused",
      `entry ${describeName(name)} is a ${kind} to ${describeName(entry.linkpath ?? "")}: links are refused, archive the file itself`,
    );
  }
  if (entry.type === "Directory") {
    await writer.makeDirectory(name, segments);
    return;
  }
  if (!FILE_TYPES.has(entry.type)) {
    throw badRequest(
      "archive_entry_type_refused",
      `entry ${describeName(name)} is a ${entry.type}: only files and directories are accepted`,
    );
  }
  if (segments.length === 0)
    throw badRequest("invalid_archive", `entry ${describeName(name)} is a file without a name`);
  writer.reserve(name, entry.size);
  await writer.writeFile(name, segments, ((entry.mode ?? 0) & 0o111) !== 0, entry);
}

function tarError(error: Error): TrawlerError {
  if (error instanceof TrawlerError) return error;
  if (/decompression ratio/.test(error.message)) {
    return new TrawlerError(413, "archive_too_large", `the archive decompresses suspiciously well (${error.message})`);
  }
  return badRequest("invalid_archive", `not a readable tar archive: ${error.message}`);
}
