// Nodes: slots used / free, heartbeat, labels. Shown from /api/v1/nodes when the server has it.

import { Table, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api.ts";
import { QueryState, Unavailable } from "../components/badges.tsx";
import { useFeatures } from "../features.ts";
import { fmtValue } from "../format.ts";

type Node = Record<string, unknown>;

function Nodes() {
  const q = useQuery({ queryKey: ["nodes"], queryFn: () => api<{ nodes: Node[] }>("/api/v1/nodes"), refetchInterval: 2000 });
  const nodes = q.data?.nodes ?? [];
  const cols = [...new Set(nodes.flatMap((n) => Object.keys(n)))];
  return (
    <>
      <QueryState q={q} what="nodes" />
      <Table striped withTableBorder fz="sm" aria-label="Nodes">
        <Table.Thead>
          <Table.Tr>
            {cols.map((c) => (
              <Table.Th key={c}>{c}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {nodes.map((n, i) => (
            <Table.Tr key={i}>
              {cols.map((c) => (
                <Table.Td key={c}>{fmtValue(n[c])}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

export function NodesPage() {
  const { has, loaded } = useFeatures();
  return (
    <>
      <Title order={2} mb="md">
        Nodes
      </Title>
      {loaded && (has("get", "/api/v1/nodes") ? <Nodes /> : <Unavailable what="Nodes" endpoint="/api/v1/nodes" />)}
    </>
  );
}
