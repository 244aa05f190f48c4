#!/usr/bin/env node
// The `trawler` executable: registers tsx so the TypeScript sources run as they are, then runs the CLI.
import { register } from "tsx/esm/api";

register();

// `trawler logs -f | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const { main } = await import("../src/cli/main.ts");
// Set the code instead of calling process.exit so buffered stdout (a piped download) is
// flushed first; `serve` keeps the process alive through its server and exits on its own.
process.exitCode = await main(process.argv);
