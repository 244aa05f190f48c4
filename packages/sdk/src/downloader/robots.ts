// robots.txt, fetched once per origin and cached; a missing or failing robots.txt allows all.
import robotsParserModule from "robots-parser";
import type { Stats } from "../stats.ts";

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
}

// robots-parser is CommonJS whose typings declare an ES default export; take whichever exists.
const robotsParser = ((robotsParserModule as unknown as { default?: unknown }).default ?? robotsParserModule) as (
  url: string,
  text: string,
) => Robot;

export type FetchText = (url: string) => Promise<{ status: number; text: string }>;

export class RobotsCache {
  private readonly byOrigin = new Map<string, Promise<Robot | undefined>>();

  constructor(
    private readonly fetchText: FetchText,
    private readonly userAgent: string,
    private readonly stats: Stats,
  ) {}

  async allowed(url: URL): Promise<boolean> {
    let robot = this.byOrigin.get(url.origin);
    if (!robot) {
      robot = this.load(url.origin);
      this.byOrigin.set(url.origin, robot);
    }
    const r = await robot;
    if (!r) return true;
    return r.isAllowed(url.href, this.userAgent) !== false;
  }

  private async load(origin: string): Promise<Robot | undefined> {
    const robotsUrl = `${origin}/robots.txt`;
    this.stats.inc("robotstxt/request_count");
    try {
      const { status, text } = await this.fetchText(robotsUrl);
      this.stats.inc("robotstxt/response_count");
      this.stats.inc(`robotstxt/response_status_count/${status}`);
      if (status < 200 || status >= 300) return undefined;
      return robotsParser(robotsUrl, text);
    } catch (error) {
      this.stats.inc(`robotstxt/exception_count/${(error as Error).name}`);
      return undefined;
    }
  }
}
