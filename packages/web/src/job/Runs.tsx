// The runs of a job: one per process lifetime (a paused and resumed job has several).

import { Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api, jobPath, type Job, type Run } from "../api.ts";
import { JOB, useFeatures } from "../features.ts";
import { fmtBytes, fmtDuration, fmtNumber, fmtTime, jobDurationMs } from "../format.ts";

export function Runs({ job }: { job: Job }) {
  const { has } = useFeatures();
  const enabled = has("get", `${JOB}/runs`);
  const q = useQuery({
    queryKey: ["runs", job.key],
    queryFn: () => api<{ runs: Run[] }>(`${jobPath(job.key)}/runs`),
    enabled,
    refetchInterval: job.state === "finished" ? false : 2000,
  });
  if (!enabled || !q.data) return null;
  return (
    <>
      <Title order={5} mt="lg" mb="xs">
        Runs
      </Title>
      {q.data.runs.length === 0 ? (
        <Text c="dimmed" fz="sm">
          Not started yet.
        </Text>
      ) : (
        <Table withTableBorder fz="sm" aria-label="Runs" maw={1000}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Run</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>Ended</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Ended because</Table.Th>
              <Table.Th>Items</Table.Th>
              <Table.Th>Peak memory</Table.Th>
              <Table.Th>Exit</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {q.data.runs.map((r) => (
              <Table.Tr key={r.attempt} data-testid="run">
                <Table.Td>{r.attempt}</Table.Td>
                <Table.Td>{fmtTime(r.startedAt)}</Table.Td>
                <Table.Td>{fmtTime(r.finishedAt)}</Table.Td>
                <Table.Td>{fmtDuration(jobDurationMs(r))}</Table.Td>
                <Table.Td>{r.outcome ?? (r.finishedAt ? "—" : "running")}</Table.Td>
                <Table.Td>{fmtNumber(r.items)}</Table.Td>
                <Table.Td>{fmtBytes(r.peakRssBytes)}</Table.Td>
                <Table.Td>{r.exitCode ?? r.exitSignal ?? "—"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
