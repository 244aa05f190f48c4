// Job states, outcomes, keys and priorities: the rules every process shares.

export const JOB_STATES = ["pending", "running", "paused", "finished"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Which state a job may move to from which; the store enforces these with compare-and-set. */
export const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  pending: ["running", "finished"],
  running: ["finished", "paused", "pending"],
  paused: ["pending", "finished"],
  finished: [],
};

export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Outcomes Trawler itself sets; a spider may also close with any reason of its own (`banned`, `closespider_*`, …). */
export const OUTCOMES = {
  finished: "finished",
  failed: "failed",
  cancelled: "cancelled",
  shutdown: "shutdown",
  cancelTimeout: "cancel_timeout",
  stalled: "cancelled (stalled)",
  timeLimit: "cancelled (time limit)",
  memusageExceeded: "memusage_exceeded",
  killedByOom: "killed by oom",
  projectDeleted: "project_deleted",
  nodeLost: "node_lost",
} as const;

export const MAX_OUTCOME_LENGTH = 255;

export const PRIORITY_MIN = 0;
export const PRIORITY_MAX = 4;
export const PRIORITY_DEFAULT = 2;

export function isPriority(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= PRIORITY_MIN && (value as number) <= PRIORITY_MAX;
}

export interface JobKey {
  project: number;
  spider: number;
  number: number;
}

export function formatJobKey(key: JobKey): string {
  return `${key.project}/${key.spider}/${key.number}`;
}

const KEY_RE = /^([1-9]\d{0,14})\/([1-9]\d{0,14})\/([1-9]\d{0,14})$/;

/** Parses `PROJECT/SPIDER/NUMBER`; returns undefined for anything else. */
export function parseJobKey(text: string): JobKey | undefined {
  const m = KEY_RE.exec(text);
  if (!m) return undefined;
  return { project: Number(m[1]), spider: Number(m[2]), number: Number(m[3]) };
}
