// Compiles the `trawler` command (packages/trawler/src/cli/main.ts and every workspace module it
// reaches) into packages/trawler/dist with esbuild, so `trawler serve` runs as plain JavaScript:
// no TypeScript loader thread (about 60 MB of memory) and a faster start. Run by `npm install`
// (prepare) and `npm run build`; bin/trawler.mjs rebuilds on its own when a source is newer.
//
// Packages from node_modules stay external, imported by the very file Node would resolve from
// their importer, so a nested copy (packages/server/node_modules/ajv) stays the copy it imports.
// Output files carry a content hash and are written by rename, and dist/build.json names the
// entry last: a process starting during a rebuild sees either the old build or the new one.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = path.join(PACKAGE_DIR, "dist");
export const MANIFEST = path.join(DIST, "build.json");
const ROOT = path.resolve(PACKAGE_DIR, "../..");
// Files from older builds are removed once no process can still be loading them.
const KEEP_OLD_MS = 60 * 60 * 1000;

/** Rewrites bare imports of node_modules packages to the file esbuild (like Node) resolves. */
const externalsByPath = {
  name: "externals-by-path",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("@trawler/") || args.path.startsWith("node:") || args.pluginData === "inner") return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: "inner" });
      if (resolved.errors.length) return { errors: resolved.errors };
      if (resolved.external || !path.isAbsolute(resolved.path)) return { path: args.path, external: true };
      let rel = path.relative(DIST, resolved.path).split(path.sep).join("/");
      if (!rel.startsWith(".")) rel = `./${rel}`;
      return { path: rel, external: true };
    });
  },
};

function writeAtomically(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

/** Builds dist/ and returns the manifest: { entry, builtAt, inputs }. */
export async function build() {
  const esbuild = await import("esbuild");
  const builtAt = Date.now();
  const result = await esbuild.build({
    entryPoints: { main: path.join(PACKAGE_DIR, "src/cli/main.ts") },
    outdir: DIST,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "error",
    plugins: [externalsByPath],
  });
  fs.mkdirSync(DIST, { recursive: true });
  for (const file of result.outputFiles) if (!fs.existsSync(file.path)) writeAtomically(file.path, file.contents);
  const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint)[0];
  const manifest = {
    entry: path.basename(entry),
    builtAt,
    // A changed dependency changes the lock file; a changed workspace file is one of the inputs.
    inputs: [...Object.keys(result.metafile.inputs), "package-lock.json"].map((f) => path.relative(ROOT, path.resolve(f))),
  };
  writeAtomically(MANIFEST, JSON.stringify(manifest, null, 1) + "\n");
  const current = new Set([...result.outputFiles.map((f) => path.basename(f.path)), "build.json"]);
  for (const name of fs.readdirSync(DIST)) {
    const file = path.join(DIST, name);
    try {
      if (!current.has(name) && Date.now() - fs.statSync(file).mtimeMs > KEEP_OLD_MS) fs.rmSync(file, { force: true });
    } catch {
      // Another build removed it first.
    }
  }
  return manifest;
}

/** The built entry's path when dist/ is newer than every input, else undefined. */
export function freshEntry() {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
  } catch {
    return undefined;
  }
  const entry = path.join(DIST, manifest.entry);
  if (!fs.existsSync(entry)) return undefined;
  for (const input of manifest.inputs) {
    let stat;
    try {
      stat = fs.statSync(path.join(ROOT, input));
    } catch {
      return undefined;
    }
    if (stat.mtimeMs >= manifest.builtAt) return undefined;
  }
  return entry;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const t0 = Date.now();
  const manifest = await build();
  process.stdout.write(`built packages/trawler/dist/${manifest.entry} from ${manifest.inputs.length - 1} files in ${Date.now() - t0} ms\n`);
}
