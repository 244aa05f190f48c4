// Requests tab: URL, method, status, duration, size, with a status filter (server side) and paging.

import { useState } from "react";
import { Alert, Badge, Button, Group, Table, Text, TextInput } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { api, jobPath, qs, type Job, type RequestRow } from "../api.ts";
import { fmtBytes, fmtTime } from "../format.ts";
import { Cell } from "./Cell.tsx";

const PAGE = 100;

function statusColor(s: number | null): string {
  if (s === null) return "gray";
  if (s < 300) return "green";
  if (s < 400) return "blue";
  if (s < 500) return "orange";
  return "red";
}

export function RequestsTab({ job }: { job: Job }) {
  const [params, setParams] = useSearchParams();
  const status = params.get("status") ?? "";
  const [cursors, setCursors] = useState<number[]>([0]);
  const after = cursors[cursors.length - 1]!;
  const valid = status === "" || /^\d{1,3}$/.test(status);
  const q = useQuery({
    queryKey: ["requests", job.key, after, status],
    queryFn: () => api<{ requests: RequestRow[]; nextAfter: number | null }>(`${jobPath(job.key)}/requests${qs({ after, limit: PAGE, status })}`),
    enabled: valid,
    placeholderData: keepPreviousData,
    refetchInterval: job.state === "finished" ? false : 2000,
  });
  const rows = q.data?.requests ?? [];
  return (
    <>
      <Group mb="xs" align="flex-end">
        <TextInput
          size="xs"
          label="Status"
          placeholder="e.g. 404"
          w={120}
          defaultValue={status}
          error={valid ? undefined : "a number"}
          onChange={(e) => {
            const v = e.currentTarget.value.trim();
            setCursors([0]);
            setParams((p) => {
              if (v) p.set("status", v);
              else p.delete("status");
              return p;
            }, { replace: true });
          }}
        />
        {[200, 301, 404, 500].map((s) => (
          <Button key={s} size="xs" variant={status === String(s) ? "filled" : "default"} onClick={() => { setCursors([0]); setParams((p) => { p.set("status", String(s)); return p; }, { replace: true }); }}>
            {s}
          </Button>
        ))}
      </Group>
      {q.error && <Alert color="red">{q.error.message}</Alert>}
      <Table.ScrollContainer minWidth={800}>
        <Table striped withTableBorder fz="sm" verticalSpacing={4} aria-label="Requests">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>Time</Table.Th>
              <Table.Th>Method</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>URL</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.seq}>
                <Table.Td c="dimmed">{r.seq}</Table.Td>
                <Table.Td>{fmtTime(r.time)}</Table.Td>
                <Table.Td>{r.method}</Table.Td>
                <Table.Td>
                  <Badge color={statusColor(r.status)} variant="light">
                    {r.status ?? "—"}
                  </Badge>
                </Table.Td>
                <Table.Td>{r.duration === null ? "—" : `${r.duration} ms`}</Table.Td>
                <Table.Td>{fmtBytes(r.size)}</Table.Td>
                <Table.Td>
                  <Cell value={r.url} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!rows.length && q.isSuccess && <Text c="dimmed" fz="sm">No requests{status ? ` with status ${status}` : ""}.</Text>}
      <Group mt="sm" gap="xs">
        <Button size="xs" variant="default" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </Button>
        <Button size="xs" variant="default" disabled={!q.data?.nextAfter} onClick={() => q.data?.nextAfter && setCursors((c) => [...c, q.data.nextAfter!])}>
          Next
        </Button>
        <Text fz="xs" c="dimmed">
          Page {cursors.length} · {job.requests.toLocaleString("en-US")} requests in all
        </Text>
      </Group>
    </>
  );
}
