import { Title } from "@mantine/core";
import { Unavailable } from "../components/badges.tsx";

export function NodesPage() {
  return (
    <>
      <Title order={2} mb="md">
        Nodes
      </Title>
      <Unavailable what="Nodes" endpoint="/api/v1/nodes" />
    </>
  );
}
