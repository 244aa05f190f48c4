// Home (seed 000): organizations and their projects with running / pending counts and latest outcomes.

import { Anchor, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { listJobs, listOrganizations, listProjects, type Project } from "../api.ts";
import { OutcomeBadge, QueryState } from "../components/badges.tsx";

function ProjectCard({ p }: { p: Project }) {
  const latest = useQuery({
    queryKey: ["jobs", String(p.id), "finished", "home"],
    queryFn: () => listJobs({ project: String(p.id), state: "finished", limit: 5 }),
    refetchInterval: 5000,
  });
  return (
    <Card withBorder padding="sm" data-testid="project-card">
      <Group justify="space-between" mb={4}>
        <Anchor component={Link} to={`/p/${p.id}`} fw={600}>
          {p.name}
        </Anchor>
        <Text c="dimmed" fz="xs">
          project {p.id}
        </Text>
      </Group>
      <Group gap="xs" mb="xs">
        <Badge color="blue" variant="light">
          {p.running ?? 0} running
        </Badge>
        <Badge color="gray" variant="light">
          {p.pending ?? 0} pending
        </Badge>
        {p.currentVersion === null && (
          <Badge color="yellow" variant="light">
            not deployed
          </Badge>
        )}
      </Group>
      <Text fz="xs" c="dimmed" mb={2}>
        Latest outcomes
      </Text>
      <Stack gap={2}>
        {(latest.data?.jobs ?? []).map((j) => (
          <Group key={j.key} gap="xs" wrap="nowrap">
            <Anchor component={Link} to={`/jobs/${j.key}`} className="mono">
              {j.key}
            </Anchor>
            <Text fz="sm" truncate>
              {j.spider}
            </Text>
            <OutcomeBadge outcome={j.outcome} />
          </Group>
        ))}
        {latest.data && !latest.data.jobs.length && (
          <Text fz="sm" c="dimmed">
            No completed jobs yet.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

export function HomePage() {
  const orgs = useQuery({ queryKey: ["organizations"], queryFn: listOrganizations });
  const projects = useQuery({ queryKey: ["projects", "home"], queryFn: listProjects, refetchInterval: 2000 });
  return (
    <>
      <Title order={2} mb="md">
        Projects
      </Title>
      <QueryState q={orgs} what="organizations" />
      <QueryState q={projects} what="projects" />
      {orgs.data?.organizations.map((o) => {
        const mine = (projects.data?.projects ?? []).filter((p) => p.organizationId === o.id);
        return (
          <section key={o.id} style={{ marginBottom: 24 }}>
            <Title order={4} mb="xs">
              {o.name}{" "}
              <Text span c="dimmed" fz="sm">
                organization · {mine.length} project{mine.length === 1 ? "" : "s"}
              </Text>
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
              {mine.map((p) => (
                <ProjectCard key={p.id} p={p} />
              ))}
            </SimpleGrid>
            {projects.data && !mine.length && (
              <Text c="dimmed" fz="sm">
                No projects. Deploy one with <code>trawler deploy DIR</code>.
              </Text>
            )}
          </section>
        );
      })}
    </>
  );
}
