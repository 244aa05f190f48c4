// The server's periodic tasks besides the worker: the cron loop (every second), the webhook
// delivery loop and log retention. Each loop runs its next pass only after the previous one
// finished (no pile-up on a slow database) and `stop()` waits for a pass in flight.

import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Store } from "./store/database.ts";
import type { QueueEvents } from "./runner/worker.ts";
import { scheduleTick } from "./schedules/tick.ts";
import { deliveryTick } from "./alerts/deliver.ts";
import { deleteOldLogLines } from "./retention/logRetention.ts";

const DELIVERY_TICK_MS = 500;

export interface BackgroundContext {
  store: Store;
  config: Config;
  events: QueueEvents;
  log: Logger;
}

/** Ticks just after each whole second, so a per-second cron sees one new slot per tick. */
const nextSecond = () => 1000 - (Date.now() % 1000) + 50;

function loop(name: string, interval: number | (() => number), pass: () => Promise<unknown>, log: Logger) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = () => {
    running = pass()
      .then(
        () => undefined,
        (err: unknown) => log.error({ err, task: name }, "background task failed; retrying next interval"),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(run, typeof interval === "number" ? interval : interval());
      });
  };
  run();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

export function startBackgroundTasks(ctx: BackgroundContext): { stop(): Promise<void> } {
  const { store, config, events, log } = ctx;
  const stops = [
    loop("schedules", nextSecond, () => scheduleTick(store, events, log), log),
    loop("webhooks", DELIVERY_TICK_MS, () => deliveryTick(store, config, log), log),
    loop(
      "retention",
      config.retentionIntervalMs,
      async () => {
        const deleted = await deleteOldLogLines(store, config.logRetentionDays);
        if (deleted) log.info({ deleted, days: config.logRetentionDays }, "old log lines deleted");
      },
      log,
    ),
  ];
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= Promise.all(stops.map((s) => s())).then(() => undefined);
      return stopping;
    },
  };
}
