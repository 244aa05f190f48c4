// Lists the files of a project directory that make up a version, for copying and
// packing alike. Links are refused outright rather than followed or checked: a
// version holds regular files only, so what is deployed is exactly what was listed.

import type { Dirent } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { badRequest, tooLarge } from "../errors.ts";
import { describeName, safeEntrySegments } from "./entryPath.ts";
import type { ArchiveLimits } from "./limits.ts";

/** Folders that are never part of a version, at any depth. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  "node_modules",
  ".git",
  "trawler-data",
  ".venv",
  "__pycache__",
]);

export interface ProjectFile {
  /** Relative to the project root, '/'-separated. */
  relative: string;
  size: number;
  executable: boolean;
}

/** Regular files under root, sorted by relative path; throws 400/413 like an archive would. */
export async function listProjectFiles(root: string, limits: ArchiveLimits): Promise<ProjectFile[]> {
  const rootInfo = await lstat(root).catch(() => undefined);
  if (!rootInfo?.isDirectory()) throw badRequest("invalid_project_directory", `${root} is not a directory`);
  const files: ProjectFile[] = [];
  let entries = 0;
  let bytes = 0;
  const walk = async (relativeDir: string): Promise<void> => {
    const children: Dirent[] = await readdir(join(root, relativeDir), { withFileTypes: true });
    for (const child of children) {
      const relative = relativeDir === "" ? child.name : `${relativeDir}/${child.name}`;
      if (child.isDirectory() && SKIPPED_DIRECTORIES.has(child.name)) continue;
      entries += 1;
      if (entries > limits.maxEntries) {
        throw tooLarge(
          "archive_too_many_entries",
          `the project has more than ${limits.maxEntries} entries (stopped at ${describeName(relative)})`,
        );
      }
      safeEntrySegments(relative, limits);
      if (child.isSymbolicLink()) {
        throw badRequest(
          "archive_link_refused",
          `${describeName(relative)} is a symbolic link: links are refused, put a copy of the file in the project`,
        );
      }
      if (child.isDirectory()) {
        await walk(relative);
      } else if (child.isFile()) {
        const info = await lstat(join(root, relative));
        bytes += info.size;
        if (bytes > limits.maxBytes) {
          throw tooLarge(
            "archive_too_large",
            `the project is larger than ${limits.maxBytes} bytes (stopped at ${describeName(relative)})`,
          );
        }
        files.push({ relative, size: info.size, executable: (info.mode & 0o111) !== 0 });
      } else {
        throw badRequest(
          "archive_entry_type_refused",
          `${describeName(relative)} is a device, FIFO or socket: only files and directories are accepted`,
        );
      }
    }
  };
  await walk("");
  return files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}
