// The job page (seed 000's job page, seed 004's task detail): header with actions, and tabs kept in
// the URL (/jobs/1/3/42/logs) so every view can be shared.

import { Alert, Anchor, Breadcrumbs, Button, Group, Tabs, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { api, cancelJob, deleteJob, getJob, jobPath, type Job } from "../api.ts";
import { JOB, useFeatures } from "../features.ts";
import { OutcomeBadge, QueryState, StateBadge } from "../components/badges.tsx";
import { Overview } from "../job/Overview.tsx";
import { LogsTab } from "../job/Logs.tsx";
import { ItemsTab } from "../job/Items.tsx";
import { RequestsTab } from "../job/Requests.tsx";
import { StatsTab } from "../job/Stats.tsx";
import { MetricsTab } from "../job/Metrics.tsx";

type Action = "cancel" | "pause" | "resume" | "rerun" | "delete";
const TABS = ["overview", "logs", "items", "requests", "stats", "metrics"] as const;

export function useJob(key: string) {
  return useQuery({
    queryKey: ["job", key],
    queryFn: () => getJob(key),
    refetchInterval: (q) => (q.state.data?.state === "finished" ? false : 1000),
  });
}

function Actions({ job }: { job: Job }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { has } = useFeatures();
  const act = useMutation({
    mutationFn: async (action: Action): Promise<Job | void> => {
      if (action === "cancel") return cancelJob(job.key);
      if (action === "delete") return deleteJob(job.key);
      return api<Job>(`${jobPath(job.key)}/${action}`, { method: "POST" });
    },
    onSuccess: (res, action) => {
      void qc.invalidateQueries({ queryKey: ["jobs"] });
      if (action === "delete") return navigate(`/p/${job.projectId}`);
      void qc.invalidateQueries({ queryKey: ["job", job.key] });
      if (action === "rerun" && res?.key && res.key !== job.key) navigate(`/jobs/${res.key}`);
    },
  });
  const live = job.state !== "finished";
  const button = (action: Action, label: string, color: string, show: boolean) =>
    show && (
      <Button
        size="xs"
        color={color}
        variant="light"
        onClick={() => (action !== "delete" || window.confirm(`Delete job ${job.key} with its items, logs and requests?`)) && act.mutate(action)}
        loading={act.isPending && act.variables === action}
      >
        {label}
      </Button>
    );
  return (
    <Group gap="xs">
      {button("cancel", job.cancelRequested && job.state === "running" ? "Cancelling…" : "Cancel", "red", live)}
      {button("pause", "Pause", "violet", (job.state === "running" || job.state === "pending") && has("post", `${JOB}/pause`))}
      {button("resume", "Resume", "violet", job.state === "paused" && has("post", `${JOB}/resume`))}
      {button("rerun", "Rerun", "indigo", !live && has("post", `${JOB}/rerun`))}
      {button("delete", "Delete", "gray", job.state !== "running" && has("delete", JOB))}
      {act.error && (
        <Text c="red" fz="sm" role="alert">
          {act.error.message}
        </Text>
      )}
    </Group>
  );
}

export function JobPage() {
  const { p = "", s = "", n = "", tab: rawTab } = useParams();
  const key = `${p}/${s}/${n}`;
  const tab = (TABS as readonly string[]).includes(rawTab ?? "") ? rawTab! : "overview";
  const navigate = useNavigate();
  const job = useJob(key);
  const j = job.data;
  return (
    <>
      <Breadcrumbs mb="xs">
        <Anchor component={Link} to="/">
          Projects
        </Anchor>
        <Anchor component={Link} to={`/p/${p}`}>
          project {p}
        </Anchor>
        <Text>job {key}</Text>
      </Breadcrumbs>
      <QueryState q={job} what={`job ${key}`} />
      {j && (
        <>
          <Group justify="space-between" mb="sm">
            <Group gap="sm">
              <Title order={2} className="mono" style={{ fontSize: 24 }}>
                {j.key}
              </Title>
              <Text fw={600}>{j.spider}</Text>
              <StateBadge state={j.state} />
              {j.outcome !== null && <OutcomeBadge outcome={j.outcome} />}
              <Text c="dimmed" fz="sm" data-testid="job-counts">
                {j.items.toLocaleString("en-US")} items · {j.requests.toLocaleString("en-US")} requests · {j.errors} errors
              </Text>
            </Group>
            <Actions job={j} />
          </Group>
          <Tabs value={tab} onChange={(v) => v && navigate(`/jobs/${key}${v === "overview" ? "" : `/${v}`}`, { replace: true })} keepMounted={false}>
            <Tabs.List mb="sm">
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="logs">Logs ({j.logs.total.toLocaleString("en-US")})</Tabs.Tab>
              <Tabs.Tab value="items">Items ({j.items.toLocaleString("en-US")})</Tabs.Tab>
              <Tabs.Tab value="requests">Requests ({j.requests.toLocaleString("en-US")})</Tabs.Tab>
              <Tabs.Tab value="stats">Stats</Tabs.Tab>
              <Tabs.Tab value="metrics">Metrics</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview">
              <Overview job={j} />
            </Tabs.Panel>
            <Tabs.Panel value="logs">
              <LogsTab job={j} />
            </Tabs.Panel>
            <Tabs.Panel value="items">
              <ItemsTab job={j} />
            </Tabs.Panel>
            <Tabs.Panel value="requests">
              <RequestsTab job={j} />
            </Tabs.Panel>
            <Tabs.Panel value="stats">
              <StatsTab job={j} />
            </Tabs.Panel>
            <Tabs.Panel value="metrics">
              <MetricsTab job={j} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
      {job.error && (
        <Alert mt="sm" color="gray">
          Check the key: jobs are addressed as PROJECT/SPIDER/NUMBER, e.g. 1/3/42.
        </Alert>
      )}
    </>
  );
}
