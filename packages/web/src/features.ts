// Which endpoints this server has, read from its OpenAPI document, so pages for features that are
// still being built (pause/resume, rerun, schedules, nodes, metrics) say so instead of failing.

import { useQuery } from "@tanstack/react-query";
import { api } from "./api.ts";

interface OpenApi {
  paths?: Record<string, Record<string, unknown>>;
}

export function useFeatures() {
  const q = useQuery({
    queryKey: ["openapi"],
    queryFn: () => api<OpenApi>("/api/openapi.json"),
    staleTime: 60_000,
    refetchInterval: 60_000,
  });
  const paths = q.data?.paths ?? {};
  /** Whether `method path` exists; path in OpenAPI form, e.g. `/api/v1/jobs/{project}/{spider}/{number}/pause`. */
  const has = (method: string, path: string) => Boolean(paths[path]?.[method.toLowerCase()]);
  return { loaded: q.isSuccess, has };
}

export const JOB = "/api/v1/jobs/{project}/{spider}/{number}";
