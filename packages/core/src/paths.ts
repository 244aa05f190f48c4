// Where the workspace's packages are on disk, found by module resolution rather than relative to
// the calling file, so the answer is the same from the TypeScript sources and from the compiled
// bundle in packages/trawler/dist.

import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

export type WorkspacePackage = "@trawler/core" | "@trawler/sdk" | "@trawler/server" | "@trawler/web";

export function packageDir(name: WorkspacePackage): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** The checkout the packages belong to (examples/ lives there). */
export function workspaceRoot(): string {
  return path.resolve(packageDir("@trawler/core"), "../..");
}

/** The SDK's loader and scripts, run by spider processes with `node --import register …`. */
export function sdkScripts(): { register: string; runSpider: string; listSpiders: string } {
  const dir = packageDir("@trawler/sdk");
  return {
    register: path.join(dir, "loader", "register.mjs"),
    runSpider: path.join(dir, "src", "bin", "run-spider.ts"),
    listSpiders: path.join(dir, "src", "bin", "list-spiders.ts"),
  };
}
