// Deploying a project version: unpack or copy its files safely, then find its spiders.
export { extractArchive, detectFormat, type ArchiveFormat } from "./archive.ts";
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits, type ExtractResult } from "./limits.ts";
