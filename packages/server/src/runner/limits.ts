// A job's limits: server defaults, overridden by the project's, then the spider's, then the
// job's own settings (the nearest wins). Shown on the job page and enforced by the watchdogs.

import { Type, type Static } from "typebox";
import type { Config } from "../config.ts";

export const LimitsSchema = Type.Object(
  {
    cancelTimeoutMs: Type.Optional(Type.Integer({ minimum: 0 })),
    stallTimeoutMs: Type.Optional(Type.Integer({ minimum: 0 })),
    timeLimitMs: Type.Optional(Type.Integer({ minimum: 0 })),
    memorySoftMb: Type.Optional(Type.Integer({ minimum: 0 })),
    memoryHardMb: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export type LimitOverrides = Static<typeof LimitsSchema>;
export type Limits = Required<LimitOverrides>;

function parse(json: string | null | undefined, key?: string): LimitOverrides {
  if (!json) return {};
  try {
    const obj = JSON.parse(json) as Record<string, unknown>;
    return ((key ? obj[key] : obj) ?? {}) as LimitOverrides;
  } catch {
    return {};
  }
}

export function resolveLimits(config: Config, levels: { project?: string | null; spider?: string | null; job?: string | null }): Limits {
  const base: Limits = {
    cancelTimeoutMs: config.cancelTimeoutMs,
    stallTimeoutMs: config.stallTimeoutMs,
    timeLimitMs: config.timeLimitMs,
    memorySoftMb: config.memorySoftMb,
    memoryHardMb: config.memoryHardMb,
  };
  const merged = { ...base };
  for (const overrides of [parse(levels.project, "limits"), parse(levels.spider, "limits"), parse(levels.job)])
    for (const [k, v] of Object.entries(overrides)) if (typeof v === "number") merged[k as keyof Limits] = v;
  return merged;
}
