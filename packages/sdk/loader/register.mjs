// `node --import <this file> spider.ts`: runs TypeScript spiders directly and resolves
// `trawler/sdk` to this copy of the SDK, so a deployed project needs no node_modules.
import { register as registerHooks } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

registerTsx();
// Registered after tsx so its resolve runs first and short-circuits the bare names.
registerHooks("./resolve-hooks.mjs", import.meta.url);
