import { Alert, Badge, Code, Group, SimpleGrid, Table, Text } from "@mantine/core";
import type { Job, JobLimits } from "../api.ts";
import { fmtDuration, fmtNumber, fmtTime, jobDurationMs } from "../format.ts";
import { outcomeColor, outcomeMeaning } from "../outcomes.ts";
import { StateBadge } from "../components/badges.tsx";
import { Runs } from "./Runs.tsx";

function Row({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={160} fw={500} c="dimmed">
        {k}
      </Table.Th>
      <Table.Td>{children}</Table.Td>
    </Table.Tr>
  );
}

const seconds = (ms: number) => (ms >= 3_600_000 && ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);

/** The watchdogs' limits in words; 0 means the limit is off. */
function describeLimits(l: JobLimits): string {
  return [
    `memory ${l.memorySoftMb ? `${l.memorySoftMb} MB soft` : "no soft limit"}, ${l.memoryHardMb ? `${l.memoryHardMb} MB hard` : "no hard limit"}`,
    `time ${l.timeLimitMs ? seconds(l.timeLimitMs) : "unlimited"}`,
    `stall after ${l.stallTimeoutMs ? seconds(l.stallTimeoutMs) : "never"}`,
    `cancel grace ${seconds(l.cancelTimeoutMs)}`,
  ].join(" · ");
}

export function Overview({ job }: { job: Job }) {
  return (
    <>
      <Alert color={job.outcome ? outcomeColor(job.outcome) : "blue"} title={job.outcome ? `Outcome: ${job.outcome}` : `State: ${job.state}`} mb="md" data-testid="outcome-meaning">
        {job.outcome ? outcomeMeaning(job.outcome) : job.state === "pending" ? "The job is waiting for a free slot on a node." : job.state === "paused" ? "The job is paused; its job directory is kept and Resume continues it." : job.stopRequested || job.cancelRequested ? `Stop requested (${job.stopRequested ?? "cancel"}): the spider was asked to stop and is shutting down.` : "The job is running."}
      </Alert>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Table fz="sm" withTableBorder>
          <Table.Tbody>
            <Row k="State">
              <StateBadge state={job.state} />
            </Row>
            <Row k="Spider">{job.spider}</Row>
            <Row k="Arguments">
              {Object.keys(job.args).length ? (
                <Code block>{Object.entries(job.args).map(([k, v]) => `${k}=${v}`).join("\n")}</Code>
              ) : (
                "—"
              )}
            </Row>
            <Row k="Priority">{job.priority}</Row>
            <Row k="Tags">
              <Group gap={4}>
                {job.tags.length
                  ? job.tags.map((t) => (
                      <Badge key={t} size="sm" variant="outline" style={{ textTransform: "none" }}>
                        {t}
                      </Badge>
                    ))
                  : "—"}
              </Group>
            </Row>
            <Row k="Node">{job.node ?? "—"}</Row>
            <Row k="Version">{job.versionId}</Row>
            <Row k="Attempt">{job.attempt}</Row>
            <Row k="Exit">{job.exitCode !== null || job.exitSignal ? `${job.exitCode ?? ""} ${job.exitSignal ?? ""}` : "—"}</Row>
          </Table.Tbody>
        </Table>
        <Table fz="sm" withTableBorder>
          <Table.Tbody>
            <Row k="Created">{fmtTime(job.createdAt)}</Row>
            <Row k="Started">{fmtTime(job.startedAt)}</Row>
            <Row k="Finished">{fmtTime(job.finishedAt)}</Row>
            <Row k="Duration">{fmtDuration(jobDurationMs(job))}</Row>
            <Row k="Items">
              {fmtNumber(job.items)}
              {job.itemsDropped ? <Text span c="red"> ({fmtNumber(job.itemsDropped)} dropped)</Text> : null}
            </Row>
            <Row k="Requests">{fmtNumber(job.requests)}</Row>
            <Row k="Log lines">
              {fmtNumber(job.logs.total)} — debug {fmtNumber(job.logs.debug)}, info {fmtNumber(job.logs.info)}, warning {fmtNumber(job.logs.warning)}, error{" "}
              {fmtNumber(job.logs.error)}, critical {fmtNumber(job.logs.critical)}
            </Row>
            <Row k="Settings">{Object.keys(job.settings).length ? <Code block>{JSON.stringify(job.settings, null, 2)}</Code> : "—"}</Row>
            {job.limits ? <Row k="Limits">{describeLimits(job.limits)}</Row> : null}
          </Table.Tbody>
        </Table>
      </SimpleGrid>
      <Runs job={job} />
    </>
  );
}
