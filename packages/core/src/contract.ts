// The environment a worker gives a spider process (DESIGN.md, "The spider process contract").

export const ENV = {
  jobKey: "TRAWLER_JOB_KEY",
  spider: "TRAWLER_SPIDER",
  args: "TRAWLER_ARGS",
  settings: "TRAWLER_SETTINGS",
  jobDir: "TRAWLER_JOB_DIR",
  fifo: "TRAWLER_FIFO",
  ackFifo: "TRAWLER_ACK_FIFO",
  attempt: "TRAWLER_ATTEMPT",
} as const;

export interface SpiderEnvironment {
  jobKey: string;
  spider: string;
  args: Record<string, string>;
  settings: Record<string, unknown>;
  jobDir: string;
  fifo: string;
  /**
   * Optional: a pipe on which the worker writes `ACK <n>` once the first n lines the spider
   * wrote on the channel are committed. A spider that waits for it before counting work as
   * done (the SDK's job directory does) loses nothing when the worker dies.
   */
  ackFifo?: string;
  attempt: number;
}

/** Builds the spider's environment: Trawler's names plus Scrapy Cloud's, so custom-image programs run unchanged. */
export function spiderEnv(c: SpiderEnvironment): Record<string, string> {
  const args = JSON.stringify(c.args);
  const settings = JSON.stringify(c.settings);
  return {
    [ENV.jobKey]: c.jobKey,
    [ENV.spider]: c.spider,
    [ENV.args]: args,
    [ENV.settings]: settings,
    [ENV.jobDir]: c.jobDir,
    [ENV.fifo]: c.fifo,
    ...(c.ackFifo ? { [ENV.ackFifo]: c.ackFifo } : {}),
    [ENV.attempt]: String(c.attempt),
    SHUB_JOBKEY: c.jobKey,
    SHUB_SPIDER: c.spider,
    SHUB_FIFO_PATH: c.fifo,
    SHUB_JOB_DATA: JSON.stringify({ key: c.jobKey, spider: c.spider, spider_args: c.args }),
    SHUB_SETTINGS: JSON.stringify({ job_settings: c.settings }),
  };
}
