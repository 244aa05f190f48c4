// Items tab (seed 000's items browser): columns from the item fields, a column picker, filter, search
// and sort on the page shown, paging through item numbers (no request grows with the job), and
// downloads streamed by the server as CSV, JSON or JSON lines.

import { useMemo, useState } from "react";
import { Alert, Button, Group, Menu, MultiSelect, Pagination, Select, Table, Text, TextInput } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { flexRender, getCoreRowModel, getFilteredRowModel, getSortedRowModel, useReactTable, type ColumnDef, type SortingState } from "@tanstack/react-table";
import { useSearchParams } from "react-router";
import { api, jobPath, qs, type ItemRow, type Job } from "../api.ts";
import { fmtValue } from "../format.ts";
import { Cell } from "./Cell.tsx";

const SIZES = ["50", "100", "500", "1000"];

export function ItemsTab({ job }: { job: Job }) {
  const [params, setParams] = useSearchParams();
  const set = (k: string, v: string | null) =>
    setParams(
      (p) => {
        if (v) p.set(k, v);
        else p.delete(k);
        return p;
      },
      { replace: true },
    );
  const size = SIZES.includes(params.get("size") ?? "") ? Number(params.get("size")) : 100;
  const pages = Math.max(1, Math.ceil(job.items / size));
  const page = Math.min(pages, Math.max(1, Number(params.get("page")) || 1));
  const q = params.get("q") ?? "";
  const picked = params.get("cols")?.split(",").filter(Boolean);
  // Item numbers (seq) run 1..items in order, so page N starts after item (N-1)*size.
  const after = (page - 1) * size;
  const items = useQuery({
    queryKey: ["items", job.key, after, size],
    queryFn: () => api<{ items: ItemRow[]; nextAfter: number | null }>(`${jobPath(job.key)}/items${qs({ after, limit: size })}`),
    placeholderData: keepPreviousData,
    refetchInterval: job.state === "finished" ? false : 2000,
  });
  const rows = useMemo(() => items.data?.items ?? [], [items.data]);
  const fields = useMemo(() => {
    const seen = new Set<string>();
    for (const r of rows) if (r.data && typeof r.data === "object") for (const k of Object.keys(r.data)) seen.add(k);
    return [...seen];
  }, [rows]);
  const visible = picked?.length ? picked : fields;
  const columns = useMemo<ColumnDef<ItemRow>[]>(
    () => [
      { id: "#", header: "#", accessorFn: (r) => r.seq, cell: (c) => <Text c="dimmed" fz="xs">{c.row.original.seq}</Text> },
      ...visible.map<ColumnDef<ItemRow>>((f) => ({
        id: `f:${f}`,
        header: f,
        accessorFn: (r) => fmtValue(r.data?.[f]),
        cell: (c) => <Cell value={c.row.original.data?.[f]} />,
        sortingFn: (a, b) => compare(a.original.data?.[f], b.original.data?.[f]),
      })),
    ],
    [visible],
  );
  const [sorting, setSorting] = useState<SortingState>([]);
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting, globalFilter: q },
    onSortingChange: setSorting,
    globalFilterFn: (row, _col, value: string) => JSON.stringify(row.original.data).toLowerCase().includes(value.toLowerCase()),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  const exportUrl = (format: string, onlyPicked: boolean) =>
    `${jobPath(job.key)}/items/export${qs({ format, fields: onlyPicked && picked?.length ? picked.join(",") : undefined })}`;

  return (
    <>
      <Group gap="sm" mb="xs" align="flex-end">
        <TextInput size="xs" label="Search this page" value={q} onChange={(e) => set("q", e.currentTarget.value || null)} w={200} />
        <MultiSelect
          size="xs"
          label="Columns"
          placeholder={picked?.length ? "" : "all fields"}
          data={[...new Set([...fields, ...(picked ?? [])])]}
          value={picked ?? []}
          onChange={(v) => set("cols", v.join(",") || null)}
          clearable
          searchable
          w={320}
        />
        <Select size="xs" label="Per page" data={SIZES} value={String(size)} onChange={(v) => set("size", v)} w={90} allowDeselect={false} />
        <Menu shadow="md" position="bottom-end">
          <Menu.Target>
            <Button size="xs" variant="light">
              Download
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>All {job.items.toLocaleString("en-US")} items</Menu.Label>
            <Menu.Item component="a" href={exportUrl("csv", false)} download data-testid="export-csv">
              CSV
            </Menu.Item>
            <Menu.Item component="a" href={exportUrl("json", false)} download>
              JSON
            </Menu.Item>
            <Menu.Item component="a" href={exportUrl("jsonl", false)} download>
              JSON lines
            </Menu.Item>
            {picked?.length ? (
              <>
                <Menu.Label>Chosen columns only</Menu.Label>
                <Menu.Item component="a" href={exportUrl("csv", true)} download>
                  CSV
                </Menu.Item>
                <Menu.Item component="a" href={exportUrl("jsonl", true)} download>
                  JSON lines
                </Menu.Item>
              </>
            ) : null}
          </Menu.Dropdown>
        </Menu>
      </Group>
      {items.error && (
        <Alert color="red" role="alert">
          {items.error.message}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={600}>
        <Table striped highlightOnHover withTableBorder fz="sm" verticalSpacing={4} aria-label="Items" data-testid="items-table" className="jobs-table">
          <Table.Thead>
            {table.getHeaderGroups().map((hg) => (
              <Table.Tr key={hg.id}>
                {hg.headers.map((h) => {
                  const dir = h.column.getIsSorted();
                  return (
                    <Table.Th key={h.id} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none"}>
                      <button type="button" onClick={h.column.getToggleSortingHandler()}>
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
              <Table.Tr key={row.id} data-testid="item-row">
                {row.getVisibleCells().map((c) => (
                  <Table.Td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!rows.length && items.isSuccess && (
        <Text c="dimmed" fz="sm" mt="xs">
          No items {job.state === "finished" ? "" : "yet"}.
        </Text>
      )}
      <Group justify="space-between" mt="sm">
        <Text fz="xs" c="dimmed">
          Items {rows.length ? `${rows[0]!.seq.toLocaleString("en-US")}–${rows[rows.length - 1]!.seq.toLocaleString("en-US")}` : "—"} of {job.items.toLocaleString("en-US")}
          {q ? ` · ${table.getRowModel().rows.length} match on this page` : ""}
        </Text>
        <Pagination size="sm" total={pages} value={page} onChange={(n) => set("page", String(n))} siblings={1} boundaries={1} aria-label="Item pages" />
      </Group>
    </>
  );
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return fmtValue(a).localeCompare(fmtValue(b), undefined, { numeric: true });
}
