// Module resolve hook: the SDK's public names point at this checkout's source, and spider
// files outside node_modules written with import/export load as ES modules even without
// `"type": "module"` nearby (a spider dropped in /tmp has no package.json).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SDK_ENTRY = new URL("../src/index.ts", import.meta.url).href;
const SDK_NAMES = new Set(["trawler/sdk", "trawler", "@trawler/sdk"]);
const TS_FILE = /\.(ts|tsx|mts)$/;
const JS_FILE = /\.(js|jsx)$/;
const ESM_SYNTAX = /^\s*(import\s*[\w{*"']|export\s)/m;

function looksLikeEsm(url) {
  try {
    return ESM_SYNTAX.test(readFileSync(fileURLToPath(url), "utf8"));
  } catch {
    return false;
  }
}

export async function resolve(specifier, context, nextResolve) {
  if (SDK_NAMES.has(specifier)) return { url: SDK_ENTRY, format: "module", shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  const { url, format } = resolved;
  if (!url.startsWith("file:") || url.includes("/node_modules/") || format === "module") return resolved;
  if (TS_FILE.test(url) || (JS_FILE.test(url) && looksLikeEsm(url))) return { ...resolved, format: "module" };
  return resolved;
}
