// The client side of `trawler deploy DIR`: a .tar.gz of exactly the files that
// copyProjectDirectory would copy, so a bad project fails on the user's machine
// with the same error the server would give.

import { PassThrough, type Readable } from "node:stream";
import { resolveLimits, type ArchiveLimits } from "./limits.ts";
import { listProjectFiles } from "./projectFiles.ts";

/** A gzipped tar of dir's project files; listing errors (links, limits) surface as a stream error. */
export function packProjectDirectory(dir: string, limits?: Partial<ArchiveLimits>): Readable {
  const out = new PassThrough();
  Promise.all([listProjectFiles(dir, resolveLimits(limits)), import("tar")]).then(
    ([files, { create }]) => {
      // portable: no owner names or ids; noDirRecurse: only the listed files, never a skipped folder.
      const pack = create(
        { gzip: true, cwd: dir, portable: true, noDirRecurse: true },
        files.map((file) => file.relative),
      );
      pack.on("error", (error: unknown) => out.destroy(error as Error));
      pack.pipe(out);
    },
    (error: unknown) => out.destroy(error as Error),
  );
  return out;
}
