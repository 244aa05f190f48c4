// Module resolve hook: the SDK's public names point at this checkout's source, and TypeScript
// files outside node_modules load as ES modules even without `"type": "module"` nearby (a
// spider dropped in /tmp has no package.json, and spiders are written with import/export).
const SDK_ENTRY = new URL("../src/index.ts", import.meta.url).href;
const SDK_NAMES = new Set(["trawler/sdk", "trawler", "@trawler/sdk"]);
const TS_FILE = /\.(ts|tsx|mts)$/;

export async function resolve(specifier, context, nextResolve) {
  if (SDK_NAMES.has(specifier)) return { url: SDK_ENTRY, format: "module", shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  if (resolved.url.startsWith("file:") && TS_FILE.test(resolved.url) && !resolved.url.includes("/node_modules/"))
    return { ...resolved, format: "module" };
  return resolved;
}
