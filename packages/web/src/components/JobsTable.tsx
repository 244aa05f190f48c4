// One of the Pending / Running / Completed tables (seed 000), with the columns of issue 5, sorting on
// any column (click or Enter on a header) and row selection for batch actions.

import { useMemo, useState } from "react";
import { Anchor, Badge, Checkbox, Group, Table, Text } from "@mantine/core";
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type RowSelectionState,
  type SortingState,
} from "@tanstack/react-table";
import { Link } from "react-router";
import type { Job } from "../api.ts";
import { fmtArgs, fmtDuration, fmtNumber, fmtTime, jobDurationMs } from "../format.ts";
import { OutcomeBadge, StateBadge } from "./badges.tsx";

const col = createColumnHelper<Job>();
const num = (a: number, b: number) => a - b;

function columns(now: number) {
  return [
    col.accessor("number", {
      id: "key",
      header: "Job",
      cell: (c) => (
        <Anchor component={Link} to={`/jobs/${c.row.original.key}`} className="mono" data-testid="job-link">
          {c.row.original.key}
        </Anchor>
      ),
    }),
    col.accessor("spider", { header: "Spider" }),
    col.accessor((j) => fmtArgs(j.args), { id: "args", header: "Arguments", cell: (c) => <div className="cell mono">{c.getValue()}</div> }),
    col.accessor("priority", { header: "Priority" }),
    col.accessor((j) => j.tags.join(","), {
      id: "tags",
      header: "Tags",
      cell: (c) => (
        <Group gap={4} wrap="nowrap">
          {c.row.original.tags.map((t) => (
            <Badge key={t} size="xs" variant="outline" style={{ textTransform: "none" }}>
              {t}
            </Badge>
          ))}
        </Group>
      ),
    }),
    col.accessor((j) => String(j.node ?? ""), {
      id: "node",
      header: "Node",
      cell: (c) => (
        <span title={c.getValue()} className="mono">
          {c.getValue().slice(0, 8)}
        </span>
      ),
    }),
    col.accessor((j) => j.startedAt ?? j.createdAt, { id: "started", header: "Started", cell: (c) => fmtTime(c.row.original.startedAt) }),
    col.accessor((j) => j.finishedAt ?? "", { id: "finished", header: "Finished", cell: (c) => fmtTime(c.row.original.finishedAt) }),
    col.accessor((j) => jobDurationMs(j, now) ?? -1, { id: "duration", header: "Duration", sortingFn: "basic", cell: (c) => fmtDuration(jobDurationMs(c.row.original, now)) }),
    col.accessor("items", { header: "Items", sortingFn: (a, b) => num(a.original.items, b.original.items), cell: (c) => fmtNumber(c.getValue()) }),
    col.accessor("requests", { header: "Requests", cell: (c) => fmtNumber(c.getValue()) }),
    col.accessor("errors", { header: "Errors", cell: (c) => <Text c={c.getValue() ? "red" : undefined} fz="sm">{fmtNumber(c.getValue())}</Text> }),
    col.accessor((j) => j.logs.total, { id: "logs", header: "Log lines", cell: (c) => fmtNumber(c.getValue()) }),
    col.accessor((j) => j.outcome ?? j.state, {
      id: "outcome",
      header: "Outcome",
      cell: (c) => (c.row.original.outcome === null ? <StateBadge state={c.row.original.state} /> : <OutcomeBadge outcome={c.row.original.outcome} />),
    }),
  ];
}

export interface JobsTableProps {
  jobs: Job[];
  label: string;
  selection: RowSelectionState;
  onSelectionChange: (s: RowSelectionState) => void;
  hidden?: string[];
}

export function JobsTable({ jobs, label, selection, onSelectionChange, hidden = [] }: JobsTableProps) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const now = Date.now();
  const cols = useMemo(() => columns(now), [now]);
  const table = useReactTable({
    data: jobs,
    columns: cols,
    state: { sorting, rowSelection: selection, columnVisibility: Object.fromEntries(hidden.map((h) => [h, false])) },
    getRowId: (j) => j.key,
    onSortingChange: setSorting,
    onRowSelectionChange: (u) => onSelectionChange(typeof u === "function" ? u(selection) : u),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    enableRowSelection: true,
  });
  if (!jobs.length)
    return (
      <Text c="dimmed" fz="sm" py="xs">
        No {label.toLowerCase()} jobs.
      </Text>
    );
  const all = table.getIsAllRowsSelected();
  return (
    <Table.ScrollContainer minWidth={1100}>
      <Table striped highlightOnHover verticalSpacing={4} fz="sm" className="jobs-table" aria-label={`${label} jobs`} data-testid={`jobs-${label.toLowerCase()}`}>
        <Table.Thead>
          {table.getHeaderGroups().map((hg) => (
            <Table.Tr key={hg.id}>
              <Table.Th w={32}>
                <Checkbox
                  size="xs"
                  aria-label={`Select all ${label.toLowerCase()} jobs`}
                  checked={all}
                  indeterminate={!all && table.getIsSomeRowsSelected()}
                  onChange={table.getToggleAllRowsSelectedHandler()}
                />
              </Table.Th>
              {hg.headers.map((h) => {
                const dir = h.column.getIsSorted();
                return (
                  <Table.Th key={h.id} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none"}>
                    <button type="button" onClick={h.column.getToggleSortingHandler()} title="Sort">
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      {dir === "asc" ? " ▲" : dir === "desc" ? " ▼" : ""}
                    </button>
                  </Table.Th>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {table.getRowModel().rows.map((row) => (
            <Table.Tr key={row.id} data-job={row.id}>
              <Table.Td>
                <Checkbox size="xs" aria-label={`Select job ${row.id}`} checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()} />
              </Table.Td>
              {row.getVisibleCells().map((c) => (
                <Table.Td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
