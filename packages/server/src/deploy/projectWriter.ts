// Writes a version's files under one root directory, counting against the limits as
// bytes arrive, so a bomb is stopped at the cap rather than after it. It never follows
// a link: parents are checked with lstat, files are opened O_NOFOLLOW | O_EXCL.

import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { badRequest, tooLarge } from "../errors.ts";
import { describeName } from "./entryPath.ts";
import type { ArchiveLimits } from "./limits.ts";

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export class ProjectWriter {
  bytes = 0;
  private entries = 0;
  private readonly files = new Set<string>();
  private readonly knownDirs = new Set<string>();

  constructor(
    readonly root: string,
    private readonly limits: ArchiveLimits,
  ) {}

  get fileCount(): number {
    return this.files.size;
  }

  /** Every entry counts, refused or not, so a flood of entries stops early. */
  countEntry(name: string): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw tooLarge(
        "archive_too_many_entries",
        `more than ${this.limits.maxEntries} entries (stopped at ${describeName(name)})`,
      );
    }
  }

  /** Refuses up front when an entry's declared size alone would pass the cap. */
  reserve(name: string, declaredBytes: number): void {
    if (this.bytes + declaredBytes > this.limits.maxBytes) this.overLimit(name);
  }

  async makeDirectory(name: string, segments: string[]): Promise<void> {
    let relative = "";
    for (const segment of segments) {
      relative = relative === "" ? segment : `${relative}/${segment}`;
      if (this.knownDirs.has(relative)) continue;
      const absolute = join(this.root, relative);
      try {
        await mkdir(absolute, { mode: 0o755 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const existing = await lstat(absolute);
        if (existing.isSymbolicLink()) {
          throw badRequest(
            "archive_entry_outside_root",
            `entry ${describeName(name)} would write through the link ${describeName(relative)}`,
          );
        }
        if (!existing.isDirectory()) {
          throw badRequest(
            "invalid_archive",
            `entry ${describeName(name)} needs ${describeName(relative)} to be a directory, but it is a file`,
          );
        }
      }
      this.knownDirs.add(relative);
    }
  }

  /** Writes one regular file; a later entry of the same name replaces an earlier one, as tar does. */
  async writeFile(
    name: string,
    segments: string[],
    executable: boolean,
    content: AsyncIterable<Buffer>,
  ): Promise<void> {
    const relative = segments.join("/");
    if (this.knownDirs.has(relative)) {
      throw badRequest(
        "invalid_archive",
        `entry ${describeName(name)} is a file, but an earlier entry made it a directory`,
      );
    }
    await this.makeDirectory(name, segments.slice(0, -1));
    const absolute = join(this.root, relative);
    // Setuid, setgid and sticky bits are never kept; only "executable or not" survives.
    const mode = executable ? 0o755 : 0o644;
    const handle = await open(absolute, CREATE_FLAGS, mode).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST" || !this.files.has(relative)) {
        throw badRequest(
          "invalid_archive",
          `entry ${describeName(name)} cannot be written: ${error.code ?? error.message}`,
        );
      }
      await unlink(absolute);
      return open(absolute, CREATE_FLAGS, mode);
    });
    this.files.add(relative);
    try {
      for await (const chunk of content) {
        this.bytes += chunk.length;
        if (this.bytes > this.limits.maxBytes) this.overLimit(name);
        await handle.write(chunk);
      }
    } finally {
      await handle.close();
    }
  }

  private overLimit(name: string): never {
    throw tooLarge(
      "archive_too_large",
      `the project unpacks to more than ${this.limits.maxBytes} bytes (stopped at ${describeName(name)})`,
    );
  }
}

/** Empties a directory the caller created for us, leaving the directory itself. */
export async function emptyDirectory(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}
