// Metrics tab: charts of CPU, memory, items/min, pages/min over time need the server's metrics
// endpoint (job supervision); until it exists the tab says so.

import type { Job } from "../api.ts";
import { JOB, useFeatures } from "../features.ts";
import { Unavailable } from "../components/badges.tsx";

export function MetricsTab({ job: _job }: { job: Job }) {
  const { has, loaded } = useFeatures();
  if (!loaded) return null;
  if (!has("get", `${JOB}/metrics`)) return <Unavailable what="Job metrics" endpoint="/api/v1/jobs/:p/:s/:n/metrics" />;
  return <Unavailable what="Job metric charts" endpoint="/api/v1/jobs/:p/:s/:n/metrics" />;
}
