// trawler.json: the optional manifest of a project version. It declares spiders that
// are not found by SDK discovery (any program, started as an argv list, never through
// a shell) and where else to look for SDK spiders. Validation is strict: an unknown
// key is more likely a typo that would silently drop a spider than a future feature.

import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { nameProblem } from "@trawler/core";
import { badRequest, TrawlerError } from "../errors.ts";
import { describeName, safeEntrySegments } from "./entryPath.ts";
import { DEFAULT_ARCHIVE_LIMITS } from "./limits.ts";

export const MANIFEST_FILE = "trawler.json";
const MAX_MANIFEST_BYTES = 1024 * 1024;
export const SDK_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The runner sets these for the process contract; a manifest must not shadow them.
const RESERVED_ENV_PREFIXES = ["TRAWLER_", "SHUB_"];

export interface ManifestSpider {
  name: string;
  /** argv of any program, run with the version directory as working directory. */
  command?: string[];
  /** An SDK spider file (relative) that exports a spider of this name. */
  file?: string;
  env?: Record<string, string>;
}

export interface Manifest {
  name?: string;
  spiders: ManifestSpider[];
  /** Extra glob patterns (relative) of SDK spider files, beside spiders/. */
  sdk: string[];
}

/** The version's manifest, or undefined when it has none. */
export async function readManifest(versionDir: string): Promise<Manifest | undefined> {
  const file = join(versionDir, MANIFEST_FILE);
  const info = await lstat(file).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isFile()) throw invalid("$", `${MANIFEST_FILE} must be a regular file`);
  if (info.size > MAX_MANIFEST_BYTES) throw invalid("$", `${MANIFEST_FILE} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  return parseManifest(await readFile(file, "utf8"));
}

export function parseManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid("$", `${MANIFEST_FILE} is not valid JSON (${(error as Error).message})`);
  }
  const top = objectAt(value, "$", ["name", "description", "spiders", "sdk"]);
  const manifest: Manifest = { spiders: [], sdk: [] };
  if (top.name !== undefined) manifest.name = nameAt(top.name, "$.name");
  if (top.description !== undefined && typeof top.description !== "string")
    throw invalid("$.description", "must be a string");
  if (top.spiders !== undefined) {
    const spiders = objectAt(top.spiders, "$.spiders");
    for (const [name, spec] of Object.entries(spiders))
      manifest.spiders.push(spiderAt(name, spec, `$.spiders${key(name)}`));
  }
  if (top.sdk !== undefined) {
    if (!Array.isArray(top.sdk)) throw invalid("$.sdk", 'must be an array of glob patterns, e.g. ["crawlers/**/*.ts"]');
    manifest.sdk = top.sdk.map((pattern: unknown, index) => relativePathAt(pattern, `$.sdk[${index}]`));
  }
  return manifest;
}

function spiderAt(name: string, spec: unknown, path: string): ManifestSpider {
  const problem = nameProblem(name);
  if (problem !== undefined) throw invalid(path, `spider name ${describeName(name)} ${problem}`);
  const fields = objectAt(spec, path, ["command", "file", "env"]);
  if ((fields.command === undefined) === (fields.file === undefined)) {
    throw invalid(path, 'needs exactly one of "command" (argv of any program) or "file" (an SDK spider file)');
  }
  const spider: ManifestSpider = { name };
  if (fields.command !== undefined) spider.command = commandAt(fields.command, `${path}.command`);
  if (fields.file !== undefined) {
    const file = relativePathAt(fields.file, `${path}.file`);
    if (!SDK_EXTENSIONS.some((extension) => file.endsWith(extension))) {
      throw invalid(`${path}.file`, `must be a ${SDK_EXTENSIONS.join(", ")} file; use "command" for any other program`);
    }
    spider.file = file;
  }
  if (fields.env !== undefined) spider.env = envAt(fields.env, `${path}.env`);
  return spider;
}

function commandAt(value: unknown, path: string): string[] {
  if (typeof value === "string") {
    throw invalid(
      path,
      `must be an array of strings (argv), e.g. ["python3", "books.py"]: a string is neither split nor run through a shell`,
    );
  }
  if (!Array.isArray(value) || value.length === 0)
    throw invalid(path, 'must be a non-empty array of strings, e.g. ["python3", "books.py"]');
  return value.map((part: unknown, index) => {
    if (typeof part !== "string") throw invalid(`${path}[${index}]`, "must be a string");
    if (part.includes("\0")) throw invalid(`${path}[${index}]`, "must not contain a NUL character");
    if (index === 0 && part === "") throw invalid(`${path}[0]`, "the program must not be empty");
    return part;
  });
}

function envAt(value: unknown, path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, text] of Object.entries(objectAt(value, path))) {
    const at = `${path}${key(name)}`;
    if (!ENV_NAME.test(name)) throw invalid(at, "must be a variable name of letters, digits and '_'");
    if (RESERVED_ENV_PREFIXES.some((prefix) => name.startsWith(prefix))) {
      throw invalid(at, `names starting with ${RESERVED_ENV_PREFIXES.join(" or ")} are set by Trawler`);
    }
    if (typeof text !== "string") throw invalid(at, "must be a string");
    if (text.includes("\0")) throw invalid(at, "must not contain a NUL character");
    env[name] = text;
  }
  return env;
}

function relativePathAt(value: unknown, path: string): string {
  if (typeof value !== "string" || value === "") throw invalid(path, "must be a non-empty string");
  try {
    const segments = safeEntrySegments(value, DEFAULT_ARCHIVE_LIMITS);
    if (value.includes("\\") || value.startsWith("./") || segments.join("/") !== value) {
      throw badRequest(
        "invalid_manifest",
        "must be written like spiders/books.ts: '/'-separated, relative, no '.' or empty segments",
      );
    }
    return value;
  } catch (error) {
    if (error instanceof TrawlerError) throw invalid(path, `${describeName(value)}: ${error.message}`);
    throw error;
  }
}

function nameAt(value: unknown, path: string): string {
  const problem = nameProblem(value);
  if (problem !== undefined) throw invalid(path, problem);
  return value as string;
}

function objectAt(value: unknown, path: string, allowed?: string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(path, "must be a JSON object");
  const object = value as Record<string, unknown>;
  for (const field of Object.keys(object)) {
    if (allowed !== undefined && !allowed.includes(field)) {
      throw invalid(`${path}${key(field)}`, `unknown field (allowed: ${allowed.join(", ")})`);
    }
  }
  return object;
}

// Names are shortened in messages: a 1 MB key must not become a 1 MB error body.
const key = (name: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$]{0,99}$/.test(name) ? `.${name}` : `[${describeName(name)}]`;

const invalid = (path: string, message: string): TrawlerError =>
  badRequest("invalid_manifest", `${MANIFEST_FILE} ${path}: ${message}`);
