import { Anchor, Breadcrumbs, Group, Tabs, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { getProject } from "../api.ts";

export function useProject(project: string) {
  return useQuery({ queryKey: ["project", project], queryFn: () => getProject(project), staleTime: 10_000 });
}

export function ProjectHeader({ project, tab }: { project: string; tab: "jobs" | "spiders" | "schedules" }) {
  const p = useProject(project);
  const navigate = useNavigate();
  const base = `/p/${encodeURIComponent(project)}`;
  return (
    <>
      <Breadcrumbs mb="xs">
        <Anchor component={Link} to="/">
          Projects
        </Anchor>
        <Text>{p.data?.name ?? project}</Text>
      </Breadcrumbs>
      <Group justify="space-between" mb="sm">
        <Title order={2}>
          {p.data?.name ?? project}{" "}
          <Text span c="dimmed" fz="md">
            project {p.data?.id ?? ""}
          </Text>
        </Title>
      </Group>
      <Tabs
        value={tab}
        onChange={(v) => v && navigate(v === "jobs" ? base : `${base}/${v}`)}
        mb="md"
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="jobs">Jobs</Tabs.Tab>
          <Tabs.Tab value="spiders">Spiders</Tabs.Tab>
          <Tabs.Tab value="schedules">Schedules</Tabs.Tab>
        </Tabs.List>
      </Tabs>
    </>
  );
}
