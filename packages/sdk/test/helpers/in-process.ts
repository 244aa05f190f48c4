// Runs a spider class in this process with a MemoryOutput: for downloader and API tests.
import { crawl, MemoryOutput, type SpiderClass } from "../../src/index.ts";

export async function crawlInProcess(
  spiderClass: SpiderClass,
  settings: Record<string, unknown> = {},
  args: Record<string, string> = {},
) {
  const output = new MemoryOutput();
  const reason = await crawl({
    spiderClass,
    args,
    settings: { LOGSTATS_INTERVAL: 0, LOG_LEVEL: "DEBUG", ...settings },
    output,
  });
  const stats = output.lastStats ?? {};
  const errors = output.logs.filter((l) => l.level >= 40).map((l) => l.message);
  return { output, reason, stats, errors, items: output.items };
}
