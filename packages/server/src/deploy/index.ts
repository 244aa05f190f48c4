// Deploying a project version: unpack or copy its files safely, then find its spiders.
export { extractArchive, detectFormat, type ArchiveFormat } from "./archive.ts";
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits, type ExtractResult } from "./limits.ts";
export { copyProjectDirectory } from "./copyDirectory.ts";
export { packProjectDirectory } from "./packDirectory.ts";
export { SKIPPED_DIRECTORIES } from "./projectFiles.ts";
export { discoverSpiders, type DiscoveredSpider, type DiscoverOptions } from "./discover.ts";
export { parseManifest, readManifest, MANIFEST_FILE, type Manifest, type ManifestSpider } from "./manifest.ts";
export { createSdkLister, type SdkLister, type SdkListing } from "./sdkLister.ts";
