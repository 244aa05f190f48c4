import { AppShell, Anchor, Group, Text } from "@mantine/core";
import { Link, NavLink, Outlet } from "react-router";
import { SearchBar } from "./SearchBar.tsx";

export function Layout() {
  return (
    <AppShell header={{ height: 56 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Anchor component={Link} to="/" underline="never" fw={700} fz="lg" c="indigo.7">
              Trawler
            </Anchor>
            <Anchor component={NavLink} to="/" end fz="sm">
              Projects
            </Anchor>
            <Anchor component={NavLink} to="/nodes" fz="sm">
              Nodes
            </Anchor>
          </Group>
          <SearchBar />
          <Text size="xs" c="dimmed" visibleFrom="md">
            <Anchor href="/docs" fz="xs">
              API docs
            </Anchor>
          </Text>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
