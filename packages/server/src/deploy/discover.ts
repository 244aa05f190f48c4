// Which spiders a version holds: command spiders declared in trawler.json, and SDK
// spiders exported by files under spiders/ (or matched by the manifest's "sdk"
// patterns, or named by a manifest "file"), whose names come from an SDK lister.

import { isAbsolute, relative, resolve } from "node:path";
import { nameProblem } from "@trawler/core";
import { badRequest } from "../errors.ts";
import { describeName } from "./entryPath.ts";
import { MANIFEST_FILE, readManifest, SDK_EXTENSIONS, type ManifestSpider } from "./manifest.ts";
import { listProjectFiles } from "./projectFiles.ts";
import { createSdkLister, type SdkLister, type SdkListing } from "./sdkLister.ts";

export interface DiscoveredSpider {
  name: string;
  runtime: "sdk" | "command";
  /** The SDK spider's file, relative to the version directory. */
  file?: string;
  className?: string;
  /** argv, never a shell string; run with the version directory as working directory. */
  command?: string[];
  env?: Record<string, string>;
}

export interface DiscoverOptions {
  sdkLister?: SdkLister;
}

export const DEFAULT_SDK_DIRECTORY = "spiders";
const UNLIMITED = {
  maxBytes: Number.MAX_SAFE_INTEGER,
  maxEntries: Number.MAX_SAFE_INTEGER,
  maxPathLength: 4096,
  maxDepth: 256,
};

export async function discoverSpiders(
  versionDir: string,
  opts: DiscoverOptions = {},
): Promise<{ spiders: DiscoveredSpider[]; warnings: string[] }> {
  const manifest = await readManifest(versionDir);
  const files = (await listProjectFiles(versionDir, UNLIMITED)).map((file) => file.relative);
  const patterns = [`${DEFAULT_SDK_DIRECTORY}/**/*`, ...(manifest?.sdk ?? [])].map(globToRegExp);
  const declaredFiles: string[] = [];
  for (const spider of manifest?.spiders ?? []) {
    if (spider.file === undefined) continue;
    if (!files.includes(spider.file)) {
      throw badRequest(
        "invalid_manifest",
        `${MANIFEST_FILE} spider ${JSON.stringify(spider.name)}: the file ${JSON.stringify(spider.file)} does not exist`,
      );
    }
    declaredFiles.push(spider.file);
  }
  const sdkFiles = [
    ...new Set([...files.filter((file) => isSdkFile(file) && patterns.some((p) => p.test(file))), ...declaredFiles]),
  ].sort();

  const warnings: string[] = [];
  let listing: SdkListing = { spiders: [], errors: [] };
  if (sdkFiles.length > 0) {
    const lister = opts.sdkLister ?? createSdkLister(versionDir);
    listing = await lister(sdkFiles.map((file) => resolve(versionDir, file)));
  }
  const toRelative = (file: string): string =>
    (isAbsolute(file) ? relative(versionDir, file) : file).split("\\").join("/");
  const failures = new Map(listing.errors.map((error) => [toRelative(error.file), error.message]));
  for (const [file, message] of failures) warnings.push(`${file}: ${message}`);

  const spiders: DiscoveredSpider[] = [];
  const sources = new Map<string, string>();
  const add = (spider: DiscoveredSpider, source: string): void => {
    const earlier = sources.get(spider.name);
    if (earlier !== undefined)
      throw badRequest(
        "duplicate_spider",
        `spider ${JSON.stringify(spider.name)} is defined twice: by ${earlier} and by ${source}`,
      );
    sources.set(spider.name, source);
    spiders.push(spider);
  };

  const found = listing.spiders.map((spider) => ({ ...spider, file: toRelative(spider.file) }));
  for (const declared of manifest?.spiders ?? []) {
    if (declared.command !== undefined) {
      add(
        withEnv({ name: declared.name, runtime: "command", command: declared.command }, declared),
        `${MANIFEST_FILE} (command)`,
      );
      continue;
    }
    const match = found.find((spider) => spider.name === declared.name && spider.file === declared.file);
    if (match === undefined) throw missingDeclared(declared, found, failures);
    add(
      withEnv({ name: declared.name, runtime: "sdk", file: match.file, ...classOf(match) }, declared),
      `${MANIFEST_FILE} (${match.file})`,
    );
  }
  for (const spider of found) {
    if (manifest?.spiders.some((declared) => declared.name === spider.name && declared.file === spider.file)) continue;
    const problem = nameProblem(spider.name);
    if (problem !== undefined)
      throw badRequest("invalid_name", `spider name ${describeName(String(spider.name))} in ${spider.file} ${problem}`);
    add({ name: spider.name, runtime: "sdk", file: spider.file, ...classOf(spider) }, spider.file);
  }

  if (spiders.length === 0) throw noSpiders(sdkFiles, warnings);
  spiders.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { spiders, warnings };
}

const isSdkFile = (file: string): boolean =>
  SDK_EXTENSIONS.some((extension) => file.endsWith(extension)) &&
  !file.endsWith(".d.ts") &&
  !/\.test\.[^/]+$/.test(file);

const classOf = (spider: { className?: string }): { className?: string } =>
  spider.className === undefined ? {} : { className: spider.className };

const withEnv = (spider: DiscoveredSpider, declared: ManifestSpider): DiscoveredSpider =>
  declared.env === undefined ? spider : { ...spider, env: declared.env };

/** `*` matches within one path segment, `**` across segments, `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      source += slash ? "(?:[^/]+/)*" : ".*";
      i += slash ? 2 : 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

function missingDeclared(
  declared: ManifestSpider,
  found: { name: string; file: string }[],
  failures: Map<string, string>,
) {
  const file = declared.file ?? "";
  const failure = failures.get(file);
  if (failure !== undefined)
    return badRequest(
      "invalid_manifest",
      `${MANIFEST_FILE} spider ${JSON.stringify(declared.name)}: ${file} could not be loaded: ${failure}`,
    );
  const exported = found.filter((spider) => spider.file === file).map((spider) => spider.name);
  return badRequest(
    "invalid_manifest",
    `${MANIFEST_FILE} spider ${JSON.stringify(declared.name)}: ${file} exports no spider of that name (it exports: ${exported.join(", ") || "none"})`,
  );
}

function noSpiders(sdkFiles: string[], warnings: string[]) {
  const looked =
    sdkFiles.length === 0
      ? `no spider files were found under ${DEFAULT_SDK_DIRECTORY}/`
      : `${sdkFiles.length} file(s) exported no spider`;
  const problems = warnings.length === 0 ? "" : ` Problems: ${warnings.join("; ")}`;
  return badRequest(
    "no_spiders",
    `this version has no spiders (${looked}). Declare one either by exporting a Spider class from a .ts/.js file under ${DEFAULT_SDK_DIRECTORY}/, ` +
      `or in ${MANIFEST_FILE}: {"spiders": {"myspider": {"command": ["python3", "myspider.py"]}}}.${problems}`,
  );
}
