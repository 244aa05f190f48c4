// Project → Jobs (seed 000, seed 004's task list): Pending, Running and Completed tables polled
// every 1.5 s; filters live in the URL so a filtered view can be shared.

import { useState } from "react";
import { Alert, Button, Group, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RowSelectionState } from "@tanstack/react-table";
import { useParams, useSearchParams } from "react-router";
import { batchCancel, cancelJob, deleteJob, listJobs, listSpiders, rerunJob, type Job } from "../api.ts";
import { JOB, useFeatures } from "../features.ts";
import { JobsTable } from "../components/JobsTable.tsx";
import { ScheduleBox } from "../components/ScheduleBox.tsx";
import { ProjectHeader } from "../components/ProjectHeader.tsx";
import { QueryState } from "../components/badges.tsx";

const POLL_MS = 1500;
const RANGES = [
  { value: "", label: "Any time" },
  { value: "1h", label: "Last hour" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
];
const RANGE_MS: Record<string, number> = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3 };

function useJobs(project: string, state: string, f: { spider?: string; outcome?: string; tag?: string }, limit: number, enabled: boolean) {
  return useQuery({
    queryKey: ["jobs", project, state, f, limit],
    queryFn: () => listJobs({ project, state, ...f, limit }),
    refetchInterval: POLL_MS,
    enabled,
    placeholderData: (prev) => prev,
  });
}

export function ProjectJobsPage() {
  const { project = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const set = (k: string, v: string | null) =>
    setParams(
      (p) => {
        if (v) p.set(k, v);
        else p.delete(k);
        return p;
      },
      { replace: true },
    );
  const state = params.get("state") ?? "";
  const spider = params.get("spider") ?? undefined;
  const outcome = params.get("outcome") ?? undefined;
  const tag = params.get("tag") ?? undefined;
  const q = params.get("q") ?? "";
  const range = params.get("range") ?? "";
  const limit = Math.min(1000, Number(params.get("limit")) || 50);
  const filter = { spider, tag };
  const spiders = useQuery({ queryKey: ["spiders", project], queryFn: () => listSpiders(project) });
  // Outcome filtering only applies to completed jobs.
  const pending = useJobs(project, "pending", filter, 1000, !outcome && (!state || state === "pending"));
  const running = useJobs(project, "running", filter, 1000, !outcome && (!state || state === "running"));
  const paused = useJobs(project, "paused", filter, 1000, !outcome && (!state || state === "paused"));
  const done = useJobs(project, "finished", { ...filter, outcome }, limit, !state || state === "finished");
  const [selection, setSelection] = useState<RowSelectionState>({});
  const qc = useQueryClient();
  const { has } = useFeatures();
  const batch = useMutation({
    mutationFn: async ({ action, keys }: { action: "cancel" | "rerun" | "delete"; keys: string[] }) => {
      // One request for a batch cancel where the server has it; one per job otherwise.
      if (action === "cancel" && has("post", "/api/v1/jobs/cancel")) return void (await batchCancel(keys));
      const one = action === "cancel" ? cancelJob : action === "rerun" ? rerunJob : deleteJob;
      const results = await Promise.allSettled(keys.map((k) => one(k)));
      const failed = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as Error);
      if (failed.length) throw new Error(`${failed.length} of ${keys.length} failed (${action}): ${failed[0]!.message}`);
    },
    onSettled: () => {
      setSelection({});
      void qc.invalidateQueries({ queryKey: ["jobs"] });
    },
  });

  const since = RANGE_MS[range] ? Date.now() - RANGE_MS[range] : 0;
  const needle = q.trim().toLowerCase();
  const visible = (jobs: Job[] | undefined) =>
    (jobs ?? []).filter(
      (j) =>
        (!needle || j.key.includes(needle) || j.spider.toLowerCase().includes(needle)) &&
        (!since || Date.parse(j.finishedAt ?? j.startedAt ?? j.createdAt) >= since),
    );
  const live = new Set([...(pending.data?.jobs ?? []), ...(running.data?.jobs ?? []), ...(paused.data?.jobs ?? [])].map((j) => j.key));
  // Only jobs that have not finished can be cancelled; only finished ones rerun or deleted here.
  const chosen = Object.keys(selection).filter((k) => selection[k]);
  const selected = chosen.filter((k) => live.has(k));
  const finished = chosen.filter((k) => !live.has(k));
  const sections: { label: string; q: typeof pending; show: boolean }[] = [
    { label: "Pending", q: pending, show: !outcome && (!state || state === "pending") },
    { label: "Running", q: running, show: !outcome && (!state || state === "running") },
    { label: "Paused", q: paused, show: !outcome && (state === "paused" || (!state && (paused.data?.jobs.length ?? 0) > 0)) },
    { label: "Completed", q: done, show: !state || state === "finished" },
  ];

  return (
    <>
      <ProjectHeader project={project} tab="jobs" />
      <ScheduleBox project={project} />
      <Group gap="sm" mb="sm" align="flex-end">
        <TextInput label="Search" placeholder="key or spider" value={q} onChange={(e) => set("q", e.currentTarget.value)} w={180} />
        <Select
          label="State"
          data={[{ value: "", label: "All" }, "pending", "running", "paused", "finished"]}
          value={state}
          onChange={(v) => set("state", v)}
          w={130}
        />
        <Select
          label="Spider"
          data={[{ value: "", label: "All" }, ...(spiders.data?.spiders ?? []).map((s) => s.name)]}
          value={spider ?? ""}
          onChange={(v) => set("spider", v)}
          w={160}
        />
        <TextInput label="Outcome" placeholder="e.g. finished" defaultValue={outcome} onBlur={(e) => set("outcome", e.currentTarget.value.trim())} w={150} />
        <TextInput label="Tag" defaultValue={tag} onBlur={(e) => set("tag", e.currentTarget.value.trim())} w={120} />
        <Select label="Time" data={RANGES} value={range} onChange={(v) => set("range", v)} w={150} />
        <Button color="red" variant="light" disabled={!selected.length} loading={batch.isPending} onClick={() => batch.mutate({ action: "cancel", keys: selected })}>
          Cancel {selected.length || ""} selected
        </Button>
        {has("post", `${JOB}/rerun`) && (
          <Button variant="light" disabled={!finished.length} loading={batch.isPending} onClick={() => batch.mutate({ action: "rerun", keys: finished })}>
            Rerun {finished.length || ""} selected
          </Button>
        )}
        {has("delete", JOB) && (
          <Button
            variant="light"
            color="gray"
            disabled={!finished.length}
            loading={batch.isPending}
            onClick={() => window.confirm(`Delete ${finished.length} finished jobs with their data?`) && batch.mutate({ action: "delete", keys: finished })}
          >
            Delete {finished.length || ""} selected
          </Button>
        )}
      </Group>
      {batch.error && (
        <Alert color="red" mb="sm" role="alert">
          {batch.error.message}
        </Alert>
      )}
      <Stack gap="lg">
        {sections
          .filter((s) => s.show)
          .map((s) => (
            <section key={s.label}>
              <Title order={4} mb={4}>
                {s.label} jobs{" "}
                <Text span c="dimmed" fz="sm">
                  {s.q.data ? visible(s.q.data.jobs).length : ""}
                </Text>
              </Title>
              <QueryState q={s.q} what={`${s.label.toLowerCase()} jobs`} />
              {s.q.data && (
                <JobsTable
                  jobs={visible(s.q.data.jobs)}
                  label={s.label}
                  selection={selection}
                  onSelectionChange={setSelection}
                  hidden={s.label === "Pending" ? ["finished", "duration", "node"] : s.label === "Running" ? ["finished"] : []}
                />
              )}
              {s.label === "Completed" && s.q.data?.nextCursor && (
                <Button variant="subtle" size="xs" onClick={() => set("limit", String(Math.min(1000, limit * 2)))}>
                  Show more completed jobs
                </Button>
              )}
            </section>
          ))}
      </Stack>
    </>
  );
}
