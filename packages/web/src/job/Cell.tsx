// One scraped value as text. Strings stay text (React escapes them); only absolute http(s) URLs
// become links, opened without a referrer or opener; objects and arrays show as compact JSON.

import { Anchor } from "@mantine/core";
import { fmtValue, safeHttpUrl } from "../format.ts";

export function Cell({ value }: { value: unknown }) {
  const url = safeHttpUrl(value);
  if (url)
    return (
      <Anchor href={url} target="_blank" rel="noopener noreferrer nofollow" className="cell" display="block" fz="sm">
        {url}
      </Anchor>
    );
  const text = fmtValue(value);
  const nested = value !== null && typeof value === "object";
  return (
    <div className={nested ? "cell mono" : "cell"} title={text.length > 40 ? text.slice(0, 2000) : undefined}>
      {text}
    </div>
  );
}
