// Stats tab: the spider's latest stats snapshot (Scrapy stat names), as name / value rows.

import { Alert, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api, jobPath, type Job } from "../api.ts";
import { fmtTime, fmtValue } from "../format.ts";

export function StatsTab({ job }: { job: Job }) {
  const q = useQuery({
    queryKey: ["stats", job.key],
    queryFn: () => api<{ stats: Record<string, unknown>; updatedAt: string | null }>(`${jobPath(job.key)}/stats`),
    refetchInterval: job.state === "finished" ? false : 2000,
  });
  if (q.error) return <Alert color="red">{q.error.message}</Alert>;
  const entries = Object.entries(q.data?.stats ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <Text fz="xs" c="dimmed" mb="xs">
        {q.data?.updatedAt ? `Snapshot of ${fmtTime(q.data.updatedAt)}` : "The spider has not reported stats yet."}
      </Text>
      {entries.length > 0 && (
        <Table striped withTableBorder fz="sm" maw={900} aria-label="Stats">
          <Table.Tbody>
            {entries.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Td className="mono" w="50%">
                  {k}
                </Table.Td>
                <Table.Td className="mono">{fmtValue(v)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
