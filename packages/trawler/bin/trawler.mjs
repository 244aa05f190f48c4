#!/usr/bin/env node
// The `trawler` executable. It runs the compiled CLI in packages/trawler/dist (built by
// `npm install`), compiling it again first when a source file is newer than the build, so an
// edited checkout never runs stale code. TRAWLER_FROM_SOURCE=1, or a failed compile, runs the
// TypeScript sources through tsx instead: the same program, with a loader thread and a slower start.
import { pathToFileURL } from "node:url";
import { build, freshEntry } from "../scripts/build.mjs";

// `trawler logs -f | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

async function loadMain() {
  if (process.env.TRAWLER_FROM_SOURCE !== "1") {
    let entry = freshEntry();
    if (!entry) {
      try {
        await build();
        entry = freshEntry();
      } catch (err) {
        process.stderr.write(`trawler: could not compile the CLI (${err.message}); running its TypeScript sources\n`);
      }
    }
    // A rebuild in another process may have just removed an old build's files; the sources remain.
    if (entry) {
      try {
        return (await import(pathToFileURL(entry).href)).main;
      } catch (err) {
        if (err.code !== "ERR_MODULE_NOT_FOUND") throw err;
      }
    }
  }
  const { register } = await import("tsx/esm/api");
  register();
  return (await import("../src/cli/main.ts")).main;
}

const main = await loadMain();
// Set the code instead of calling process.exit so buffered stdout (a piped download) is
// flushed first; `serve` keeps the process alive through its server and exits on its own.
process.exitCode = await main(process.argv);
