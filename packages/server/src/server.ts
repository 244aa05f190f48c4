// `trawler serve`: the store, the API, the embedded worker and (with --demo) the demo project.

import pino, { type Logger } from "pino";
import type { FastifyInstance } from "fastify";
import type { Config } from "./config.ts";
import { openStore, type Store } from "./store/database.ts";
import { DEFAULT_ORGANIZATION, ensureOrganization } from "./store/projects.ts";
import { buildApp } from "./api/app.ts";
import { QueueEvents, Worker } from "./runner/worker.ts";
import { installDemo } from "./demo/installDemo.ts";
import { startBackgroundTasks } from "./backgroundTasks.ts";

/** The server could not start for a reason the user can fix (a port in use, say). */
export class StartupError extends Error {
  override name = "StartupError";
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  worker: Worker | undefined;
  events: QueueEvents;
  /** Drains: stops claiming, stops running spiders gracefully (up to `graceMs`), closes the API, then the database. */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(config: Config, opts: { logger?: Logger; schema?: string } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? pino({ level: config.logLevel });
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: opts.schema ?? config.databaseSchema });
  await ensureOrganization(store, DEFAULT_ORGANIZATION);
  const events = new QueueEvents();
  const app = await buildApp({ store, config, events }, logger);
  const scheduleDemoCrawl = config.demo ? await installDemo(app, store, config, events, logger) : undefined;
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    await store.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new StartupError(`${config.host}:${config.port} is already in use (another Trawler?): stop it, or choose another port with --port or TRAWLER_PORT`);
    if (code === "EACCES") throw new StartupError(`Not allowed to listen on ${config.host}:${config.port}: choose a port above 1024 with --port or TRAWLER_PORT`);
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  const worker = config.slots > 0 ? new Worker(store, config, events, logger) : undefined;
  await worker?.start();
  await scheduleDemoCrawl?.(url);
  const background = startBackgroundTasks({ store, config, events, log: logger });
  logger.info({ url, database: store.dialect, slots: config.slots, node: worker?.nodeId }, "Trawler is running");
  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    store,
    worker,
    events,
    close(graceMs) {
      closing ??= (async () => {
        await background.stop();
        await worker?.stop(graceMs);
        await app.close();
        await store.close();
      })();
      return closing;
    },
  };
}
