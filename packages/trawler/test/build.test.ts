// The `trawler` command runs its compiled build (packages/trawler/dist), and compiles itself
// again when a source file is newer than the build, so an edited checkout never runs stale code.

import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT, runCli } from "./helpers.ts";

const MANIFEST = path.join(REPO_ROOT, "packages/trawler/dist/build.json");
const read = () => JSON.parse(fs.readFileSync(MANIFEST, "utf8")) as { entry: string; builtAt: number; inputs: string[] };

it("runs the compiled build, compiles again when a source is newer, and runs from source on request", async () => {
  const first = await runCli(["--version"]);
  expect(first.code, first.stderr).toBe(0);
  const before = read();
  expect(fs.existsSync(path.join(REPO_ROOT, "packages/trawler/dist", before.entry))).toBe(true);
  expect(before.inputs).toContain("packages/server/src/server.ts");
  expect(before.inputs).toContain("packages/core/src/paths.ts");

  // An edit: the source is now newer than the build.
  const source = path.join(REPO_ROOT, "packages/trawler/src/cli/options.ts");
  const now = new Date();
  fs.utimesSync(source, now, now);
  const second = await runCli(["--version"]);
  expect(second.code, second.stderr).toBe(0);
  expect(second.stdout).toBe(first.stdout);
  const after = read();
  expect(after.builtAt).toBeGreaterThan(now.getTime() - 1);
  expect(fs.existsSync(path.join(REPO_ROOT, "packages/trawler/dist", after.entry))).toBe(true);

  const fromSource = await runCli(["--version"], { env: { TRAWLER_FROM_SOURCE: "1" } });
  expect(fromSource.code, fromSource.stderr).toBe(0);
  expect(fromSource.stdout).toBe(first.stdout);
}, 60_000);
