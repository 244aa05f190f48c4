import type { Config } from "../config.ts";
import type { Store } from "../store/database.ts";
import type { QueueEvents } from "../runner/worker.ts";

/** What route modules need from the running server. */
export interface ApiContext {
  store: Store;
  config: Config;
  events: QueueEvents;
}
