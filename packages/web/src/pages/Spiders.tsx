// Spiders of a project, with their last job and its outcome, and a Run button per spider.

import { Anchor, Button, Table, Text } from "@mantine/core";
import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { getJob, listSpiders, scheduleJob } from "../api.ts";
import { ProjectHeader } from "../components/ProjectHeader.tsx";
import { OutcomeBadge, QueryState, StateBadge } from "../components/badges.tsx";
import { fmtTime } from "../format.ts";

export function SpidersPage() {
  const { project = "" } = useParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const spiders = useQuery({ queryKey: ["spiders", project], queryFn: () => listSpiders(project), refetchInterval: 3000 });
  const last = useQueries({
    queries: (spiders.data?.spiders ?? []).map((s) => ({
      queryKey: ["job", s.lastJob],
      queryFn: () => getJob(s.lastJob!),
      enabled: s.lastJob !== null,
      refetchInterval: 3000,
    })),
  });
  const run = useMutation({
    mutationFn: (spider: string) => scheduleJob({ project, spider }),
    onSuccess: (job) => {
      void qc.invalidateQueries({ queryKey: ["jobs"] });
      navigate(`/jobs/${job.key}`);
    },
  });
  return (
    <>
      <ProjectHeader project={project} tab="spiders" />
      <QueryState q={spiders} what="spiders" />
      {run.error && <Text c="red">{run.error.message}</Text>}
      {spiders.data && (
        <Table striped withTableBorder fz="sm" aria-label="Spiders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Spider</Table.Th>
              <Table.Th>Runtime</Table.Th>
              <Table.Th>Last job</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Finished</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {spiders.data.spiders.map((s, i) => {
              const job = last[i]?.data;
              return (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/p/${encodeURIComponent(project)}?spider=${encodeURIComponent(s.name)}`}>
                      {s.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{s.runtime}</Table.Td>
                  <Table.Td>
                    {s.lastJob ? (
                      <Anchor component={Link} to={`/jobs/${s.lastJob}`} className="mono">
                        {s.lastJob}
                      </Anchor>
                    ) : (
                      "—"
                    )}
                  </Table.Td>
                  <Table.Td>{job ? <StateBadge state={job.state} /> : "—"}</Table.Td>
                  <Table.Td>{job ? <OutcomeBadge outcome={job.outcome} /> : "—"}</Table.Td>
                  <Table.Td>{fmtTime(job?.finishedAt)}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => run.mutate(s.name)} loading={run.isPending && run.variables === s.name}>
                      Run
                    </Button>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {spiders.data && !spiders.data.spiders.length && <Text c="dimmed">This project has no deployed spiders.</Text>}
    </>
  );
}
