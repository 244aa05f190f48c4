// How a run ended, decided from what was asked of it and how its process exited.

import { OUTCOMES } from "@trawler/core";
import type { ExitStatus } from "./spiderProcess.ts";

export type StopReason =
  | { kind: "cancel" }
  | { kind: "pause" }
  /** Server shutdown: back to the queue, to continue from its job directory on the next start. */
  | { kind: "requeue" }
  /** A watchdog or the platform decided the outcome (memusage_exceeded, cancelled (stalled), project_deleted…). */
  | { kind: "outcome"; outcome: string };

export interface RunFacts {
  status: ExitStatus;
  stop: StopReason | undefined;
  /** SIGKILL sent by Trawler after the grace period. */
  killedAfterGrace: boolean;
  /** SIGKILL sent at once because memory passed the hard limit. */
  hardMemoryKill: boolean;
  /** The kernel's OOM killer killed something in this cgroup during the run. */
  kernelOomKill: boolean;
  finOutcome: string | undefined;
}

export interface RunEnding {
  nextState: "finished" | "paused" | "pending";
  outcome: string | null;
}

export function decideEnding(f: RunFacts): RunEnding {
  const end = (outcome: string): RunEnding => ({ nextState: "finished", outcome });
  if (f.hardMemoryKill) return end(OUTCOMES.killedByOom);
  const cleanFinish = f.status.code === 0 && f.finOutcome === OUTCOMES.finished;
  switch (f.stop?.kind) {
    case "cancel":
      return end(f.killedAfterGrace ? OUTCOMES.cancelTimeout : OUTCOMES.cancelled);
    case "pause":
    case "requeue":
      // A crawl that completed before it noticed the signal is simply finished.
      if (cleanFinish) return end(OUTCOMES.finished);
      return { nextState: f.stop.kind === "pause" ? "paused" : "pending", outcome: null };
    case "outcome":
      return end(f.stop.outcome);
  }
  if (f.finOutcome) return end(f.finOutcome);
  if (f.status.code === 0) return end(OUTCOMES.finished);
  if (f.status.signal === "SIGKILL" && f.kernelOomKill) return end(OUTCOMES.killedByOom);
  return end(OUTCOMES.failed);
}
