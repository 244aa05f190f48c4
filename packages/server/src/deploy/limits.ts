// Limits on what one project version may unpack to. The compressed upload size is
// checked earlier, by the API layer, before anything reaches these functions.

export interface ArchiveLimits {
  /** Total bytes of regular files written (uncompressed). */
  maxBytes: number;
  /** Entries of any kind (files, directories, refused ones included). */
  maxEntries: number;
  /** Bytes (UTF-8) of one entry's path inside the archive. */
  maxPathLength: number;
  /** Path segments of one entry. */
  maxDepth: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxBytes: 100 * 1024 * 1024,
  maxEntries: 10_000,
  maxPathLength: 1_024,
  maxDepth: 64,
});

export function resolveLimits(limits: Partial<ArchiveLimits> | undefined): ArchiveLimits {
  const resolved = { ...DEFAULT_ARCHIVE_LIMITS };
  for (const key of Object.keys(resolved) as (keyof ArchiveLimits)[]) {
    const value = limits?.[key];
    if (value !== undefined) {
      if (!Number.isInteger(value) || value < 0)
        throw new RangeError(`archive limit ${key} must be a non-negative integer`);
      resolved[key] = value;
    }
  }
  return resolved;
}

/** What an extraction or copy produced; `sha256` identifies the version's content. */
export interface ExtractResult {
  files: number;
  bytes: number;
  sha256: string;
}
