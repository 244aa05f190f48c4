// One pass of the cron loop: fire every due schedule, each in its own transaction so one broken
// schedule (a spider that left the project) cannot hold up the others.

import type { Logger } from "pino";
import type { Store } from "../store/database.ts";
import type { QueueEvents } from "../runner/worker.ts";
import { dueScheduleIds, fireSchedule } from "./fire.ts";

/** At most this many schedules per tick; the rest are due next tick (a second later). */
const BATCH = 100;

export async function scheduleTick(store: Store, events: QueueEvents, log: Logger): Promise<number> {
  let enqueued = 0;
  for (const id of await dueScheduleIds(store, BATCH)) {
    const result = await fireSchedule(store, id).catch((err: unknown) => {
      log.error({ err, schedule: id }, "schedule fire failed; retried next tick");
      return null;
    });
    if (!result) continue;
    if (result.kind === "fired" || result.kind === "catch_up") {
      enqueued++;
      events.emit("enqueued");
    }
    if (result.kind === "error") log.warn({ schedule: id, reason: result.error }, "schedule could not create a job");
    else if (result.kind !== "fired") log.info({ schedule: id, decision: result.kind }, "schedule slot");
  }
  return enqueued;
}
