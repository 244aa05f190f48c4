// Turns an entry name from an archive (or a walked directory) into path segments that
// can only ever name something inside the destination. Every check refuses rather
// than repairs: an archive that tries any of this is not one we want to half-unpack.

import { badRequest } from "../errors.ts";
import type { ArchiveLimits } from "./limits.ts";

const DRIVE_LETTER = /^[A-Za-z]:/;
// C0 controls and DEL: a newline or escape sequence in a file name corrupts logs and listings.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export const describeName = (name: string): string =>
  JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}…` : name);

/**
 * The entry's path segments relative to the destination, or an empty array for an
 * entry naming the root itself (`./`). Throws a 400 TrawlerError naming the entry.
 */
export function safeEntrySegments(name: string, limits: Pick<ArchiveLimits, "maxPathLength" | "maxDepth">): string[] {
  const shown = describeName(name);
  if (name.includes("\0"))
    throw badRequest("archive_entry_name_refused", `entry ${shown} has a NUL character in its name`);
  if (CONTROL_CHARACTER.test(name)) {
    throw badRequest("archive_entry_name_refused", `entry ${shown} has a control character in its name`);
  }
  if (Buffer.byteLength(name) > limits.maxPathLength) {
    throw badRequest(
      "archive_entry_name_refused",
      `entry ${shown} has a path longer than ${limits.maxPathLength} bytes`,
    );
  }
  // Archives made on Windows separate with backslashes; treating them as separators
  // also means `a\..\..\x` is seen for the traversal it is.
  const slashed = name.replaceAll("\\", "/");
  if (slashed.startsWith("/") || DRIVE_LETTER.test(slashed)) {
    throw badRequest("archive_entry_outside_root", `entry ${shown} is an absolute path`);
  }
  const segments = slashed.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) {
    throw badRequest(
      "archive_entry_outside_root",
      `entry ${shown} has a '..' segment that could leave the project root`,
    );
  }
  if (segments.length > limits.maxDepth) {
    throw badRequest("archive_entry_name_refused", `entry ${shown} is nested deeper than ${limits.maxDepth} levels`);
  }
  return segments;
}
