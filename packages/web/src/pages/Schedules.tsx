// Schedules of a project: create, edit, enable/disable, delete, with their next fire times.

import { useState } from "react";
import { Alert, Anchor, Badge, Button, Group, Modal, Paper, Stack, Switch, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { createSchedule, deleteSchedule, listSchedules, listSpiders, updateSchedule, type Schedule, type ScheduleInput } from "../api.ts";
import { ProjectHeader } from "../components/ProjectHeader.tsx";
import { QueryState, Unavailable } from "../components/badges.tsx";
import { ScheduleForm } from "../components/ScheduleForm.tsx";
import { useFeatures } from "../features.ts";
import { fmtArgs, fmtTime } from "../format.ts";

export function SchedulesPage() {
  const { project = "" } = useParams();
  const { has, loaded } = useFeatures();
  const available = has("get", "/api/v1/projects/{project}/schedules");
  return (
    <>
      <ProjectHeader project={project} tab="schedules" />
      {loaded && !available && <Unavailable what="Schedules" endpoint="/api/v1/projects/:project/schedules" />}
      {available && <Schedules project={project} />}
    </>
  );
}

function Schedules({ project }: { project: string }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ["schedules", project], queryFn: () => listSchedules(project), refetchInterval: 5000 });
  const spiders = useQuery({ queryKey: ["spiders", project], queryFn: () => listSpiders(project) });
  const [editing, setEditing] = useState<Schedule | null>(null);
  const done = () => void qc.invalidateQueries({ queryKey: ["schedules", project] });
  const create = useMutation({ mutationFn: (s: ScheduleInput) => createSchedule(project, s), onSuccess: done });
  const update = useMutation({ mutationFn: ({ id, s }: { id: number; s: ScheduleInput }) => updateSchedule(id, s), onSuccess: () => (setEditing(null), done()) });
  const remove = useMutation({ mutationFn: deleteSchedule, onSuccess: done });
  const error = create.error ?? update.error ?? remove.error;
  const names = (spiders.data?.spiders ?? []).map((s) => s.name);
  return (
    <Stack>
      <Paper withBorder p="sm">
        <Text fw={600} mb={4}>
          New schedule
        </Text>
        {spiders.data && <ScheduleForm spiders={names} busy={create.isPending} onSubmit={(s) => create.mutate(s)} />}
      </Paper>
      {error && (
        <Alert color="red" role="alert">
          {error.message}
        </Alert>
      )}
      <QueryState q={list} what="schedules" />
      {list.data && (
        <Table striped withTableBorder fz="sm" aria-label="Schedules" verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Spider</Table.Th>
              <Table.Th>Cron</Table.Th>
              <Table.Th>Arguments</Table.Th>
              <Table.Th>Priority</Table.Th>
              <Table.Th>Tags</Table.Th>
              <Table.Th>Enabled</Table.Th>
              <Table.Th>Next fire times</Table.Th>
              <Table.Th>Last job</Table.Th>
              <Table.Th>Fired</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.schedules.map((s) => (
              <Table.Tr key={s.id} data-schedule={s.id}>
                <Table.Td>{s.spider}</Table.Td>
                <Table.Td className="mono">
                  {s.cron} <Text span c="dimmed" fz="xs">{s.timezone}</Text>
                </Table.Td>
                <Table.Td className="mono">{fmtArgs(s.args) || "—"}</Table.Td>
                <Table.Td>{s.priority}</Table.Td>
                <Table.Td>
                  {s.tags.map((t) => (
                    <Badge key={t} size="xs" variant="outline" mr={2} style={{ textTransform: "none" }}>
                      {t}
                    </Badge>
                  ))}
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`Enable schedule ${s.id}`}
                    checked={s.enabled}
                    onChange={(e) => update.mutate({ id: s.id, s: { enabled: e.currentTarget.checked } })}
                  />
                </Table.Td>
                <Table.Td fz="xs" data-testid="next-fires">
                  {s.enabled ? s.nextFires.slice(0, 3).map((t) => <div key={t}>{fmtTime(t)}</div>) : <Text c="dimmed" fz="xs">disabled</Text>}
                  {s.lastError && <Text c="red" fz="xs">{s.lastError}</Text>}
                </Table.Td>
                <Table.Td>
                  {s.lastJob ? (
                    <Anchor component={Link} to={`/jobs/${s.lastJob}`} className="mono">
                      {s.lastJob}
                    </Anchor>
                  ) : (
                    "—"
                  )}
                </Table.Td>
                <Table.Td>{s.stats.fired}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => setEditing(s)}>
                      Edit
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => window.confirm(`Delete the schedule of ${s.spider} (${s.cron})?`) && remove.mutate(s.id)}>
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {list.data && !list.data.schedules.length && <Text c="dimmed">No schedules yet.</Text>}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Edit schedule of ${editing?.spider ?? ""}`} size="auto">
        {editing && <ScheduleForm spiders={names} initial={editing} busy={update.isPending} onSubmit={(s) => update.mutate({ id: editing.id, s })} />}
      </Modal>
    </Stack>
  );
}
