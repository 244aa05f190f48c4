// Deploying from a local directory: copy its regular files into the version directory
// with the same limits as an upload. Source files are opened O_NOFOLLOW and checked
// again after opening, so a file swapped for a link after listing is refused too.

import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
import { badRequest } from "../errors.ts";
import { describeName } from "./entryPath.ts";
import { resolveLimits, type ArchiveLimits, type ExtractResult } from "./limits.ts";
import { listProjectFiles } from "./projectFiles.ts";
import { emptyDirectory, ProjectWriter } from "./projectWriter.ts";

/**
 * Copies the project in src to dest (a fresh directory), skipping node_modules, .git,
 * trawler-data, .venv and __pycache__. Any symbolic link is refused (400
 * archive_link_refused). sha256 covers the sorted relative paths and contents, so the
 * same tree always hashes the same.
 */
export async function copyProjectDirectory(
  src: string,
  dest: string,
  limits?: Partial<ArchiveLimits>,
): Promise<ExtractResult> {
  const resolved = resolveLimits(limits);
  const files = await listProjectFiles(src, resolved);
  await mkdir(dest, { recursive: true });
  const writer = new ProjectWriter(dest, resolved);
  const hash = createHash("sha256");
  try {
    for (const file of files) {
      writer.countEntry(file.relative);
      writer.reserve(file.relative, file.size);
      const source = await open(join(src, file.relative), constants.O_RDONLY | constants.O_NOFOLLOW).catch(
        (error: NodeJS.ErrnoException) => {
          throw error.code === "ELOOP"
            ? badRequest("archive_link_refused", `${describeName(file.relative)} became a symbolic link while copying`)
            : error;
        },
      );
      try {
        if (!(await source.stat()).isFile())
          throw badRequest("archive_entry_type_refused", `${describeName(file.relative)} is not a regular file`);
        hash.update(`${file.relative}\0`);
        let length = 0;
        const hashed = async function* (): AsyncIterable<Buffer> {
          for await (const chunk of source.createReadStream({ autoClose: false })) {
            const buffer = chunk as Buffer;
            length += buffer.length;
            hash.update(buffer);
            yield buffer;
          }
        };
        await writer.writeFile(file.relative, file.relative.split("/"), file.executable, hashed());
        hash.update(`\0${length}\n`);
      } finally {
        await source.close();
      }
    }
  } catch (error) {
    await emptyDirectory(dest);
    throw error;
  }
  return { files: writer.fileCount, bytes: writer.bytes, sha256: hash.digest("hex") };
}
