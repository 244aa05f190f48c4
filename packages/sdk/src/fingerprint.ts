// Canonical request fingerprints: method, canonical URL and body, hashed. Kept cheap because
// every yielded request pays for it before the duplicates filter sees it.
import { hash } from "node:crypto";

/** URL without fragment, with query arguments sorted, so equivalent URLs share a fingerprint. */
export function canonicalUrl(url: URL): string {
  if (url.search.length <= 1 && url.hash === "") return url.href;
  const u = new URL(url.href);
  u.hash = "";
  if (u.search.length > 1) u.searchParams.sort();
  else u.search = "";
  return u.href;
}

export function requestFingerprint(method: string, url: URL, body: string | undefined): string {
  const key = body ? `${method} ${canonicalUrl(url)} ${body}` : `${method} ${canonicalUrl(url)}`;
  return hash("sha1", key, "hex");
}
