// `trawler worker`: a worker without the API, for a second (third, …) machine sharing the
// PostgreSQL database of a `trawler serve`. It claims jobs, runs them and heartbeats; cron,
// webhooks and retention stay with the servers.

import pino, { type Logger } from "pino";
import type { Config } from "./config.ts";
import { openStore, type Store } from "./store/database.ts";
import { QueueEvents, Worker } from "./runner/worker.ts";

export interface RunningWorker {
  store: Store;
  worker: Worker;
  close(graceMs?: number): Promise<void>;
}

export async function startWorker(config: Config, opts: { logger?: Logger; schema?: string } = {}): Promise<RunningWorker> {
  const logger = opts.logger ?? pino({ level: config.logLevel });
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: opts.schema ?? config.databaseSchema });
  const worker = new Worker(store, config, new QueueEvents(), logger);
  await worker.start();
  logger.info({ database: store.dialect, slots: config.slots, node: worker.nodeId }, "Trawler worker is running");
  let closing: Promise<void> | undefined;
  return {
    store,
    worker,
    close(graceMs) {
      closing ??= (async () => {
        await worker.stop(graceMs);
        await store.close();
      })();
      return closing;
    },
  };
}
