// Metrics tab: CPU, memory, items/min, pages/min over time and the response-status mix, from the
// server's samples of the spider's process tree (/metrics).

import { lazy, Suspense, useMemo } from "react";
import { Alert, Group, Loader, Paper, SimpleGrid, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api, jobPath, type Job, type Metrics } from "../api.ts";
import { JOB, useFeatures } from "../features.ts";
import { Unavailable } from "../components/badges.tsx";
import { fmtBytes } from "../format.ts";

const TimeChart = lazy(() => import("./Charts.tsx").then((m) => ({ default: m.TimeChart })));
const PieMix = lazy(() => import("./Charts.tsx").then((m) => ({ default: m.PieMix })));

/** Per-minute rate of a cumulative counter between consecutive samples. */
function rate(points: { t: number; v: number }[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 1; i < points.length; i++) {
    const dt = (points[i]!.t - points[i - 1]!.t) / 60_000;
    if (dt > 0) out.push([points[i]!.t, Math.max(0, (points[i]!.v - points[i - 1]!.v) / dt)]);
  }
  return out;
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="xs" miw={140}>
      <Text fz="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={600}>{value}</Text>
    </Paper>
  );
}

export function MetricsTab({ job }: { job: Job }) {
  const { has, loaded } = useFeatures();
  const enabled = has("get", `${JOB}/metrics`);
  const q = useQuery({
    queryKey: ["metrics", job.key],
    queryFn: () => api<Metrics>(`${jobPath(job.key)}/metrics`),
    enabled,
    refetchInterval: job.state === "finished" ? false : 3000,
  });
  const charts = useMemo(() => {
    const s = q.data?.series ?? [];
    const t = (i: number) => Date.parse(s[i]!.time);
    return {
      cpu: s.map((p, i) => [t(i), p.cpuPercent] as [number, number]),
      rss: s.map((p, i) => [t(i), p.rssBytes / 1024 / 1024] as [number, number]),
      items: rate(s.map((p, i) => ({ t: t(i), v: p.items }))),
      pages: rate(s.map((p, i) => ({ t: t(i), v: p.requests }))),
    };
  }, [q.data]);
  if (!loaded) return null;
  if (!enabled) return <Unavailable what="Job metrics" endpoint="/api/v1/jobs/:p/:s/:n/metrics" />;
  if (q.error) return <Alert color="red">{q.error.message}</Alert>;
  if (!q.data) return <Loader size="sm" />;
  const m = q.data.summary;
  const fix = (n: number | null, d = 1) => (n === null ? "—" : n.toFixed(d));
  return (
    <>
      <Group gap="sm" mb="md">
        <Figure label="Items / min" value={fix(m.itemsPerMinute)} />
        <Figure label="Pages / min" value={fix(m.pagesPerMinute)} />
        <Figure label="Success rate" value={m.successRate === null ? "—" : `${(m.successRate * 100).toFixed(1)} %`} />
        <Figure label="Mean / p95 response" value={`${fix(m.meanResponseMs, 0)} / ${fix(m.p95ResponseMs, 0)} ms`} />
        <Figure label="Downloaded" value={fmtBytes(m.bytesDownloaded)} />
        <Figure label="Peak memory" value={fmtBytes(m.peakRssBytes)} />
        <Figure label="Peak CPU" value={m.peakCpuPercent === null ? "—" : `${m.peakCpuPercent.toFixed(0)} %`} />
      </Group>
      {q.data.series.length === 0 && (
        <Text c="dimmed" fz="sm" mb="sm">
          No samples yet: the server samples a running spider's processes every few seconds.
        </Text>
      )}
      <Suspense fallback={<Loader size="sm" />}>
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <TimeChart title="CPU" unit="%" series={[{ name: "cpu", points: charts.cpu }]} />
          <TimeChart title="Memory" unit="MiB" series={[{ name: "rss", points: charts.rss }]} />
          <TimeChart title="Items per minute" unit="/min" series={[{ name: "items", points: charts.items }]} />
          <TimeChart title="Pages per minute" unit="/min" series={[{ name: "pages", points: charts.pages }]} />
          <PieMix title="Response statuses" data={Object.entries(m.statuses).map(([name, value]) => ({ name, value }))} />
        </SimpleGrid>
      </Suspense>
    </>
  );
}
