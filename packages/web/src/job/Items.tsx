// Items tab (seed 000's items browser): columns from the job's item fields, a column picker, filters
// and column sort done by the server (so they cover every item, not just the page shown), a search
// of the page shown, and downloads streamed by the server with the same filters and sort.
// Unfiltered, unsorted pages are addressed by item number (page N starts after item (N-1)*size);
// filtered or sorted ones are keyset pages (nextAfter / nextCursor), stepped with Previous / Next.
// No request grows with the job.

import { useMemo, useState } from "react";
import { Alert, Button, Group, Menu, MultiSelect, Pagination, Select, Table, Text, TextInput } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { flexRender, getCoreRowModel, getFilteredRowModel, useReactTable, type ColumnDef } from "@tanstack/react-table";
import { useSearchParams } from "react-router";
import { api, jobPath, type ItemRow, type Job } from "../api.ts";
import { Cell } from "./Cell.tsx";
import { ItemFilters } from "./ItemFilters.tsx";

const SIZES = ["50", "100", "500", "1000"];
interface ItemsPage {
  items: ItemRow[];
  fields: string[];
  nextAfter: number | null;
  nextCursor: string | null;
}
type Start = { after?: number; cursor?: string };

/** The API's query string; `filter` repeats. */
function itemsQuery(p: Record<string, string | number | undefined>, filters: string[]): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== "") u.set(k, String(v));
  for (const f of filters) u.append("filter", f);
  const s = u.toString();
  return s ? `?${s}` : "";
}

export function ItemsTab({ job }: { job: Job }) {
  const [params, setParams] = useSearchParams();
  const update = (change: (p: URLSearchParams) => void) =>
    setParams(
      (p) => {
        change(p);
        return p;
      },
      { replace: true },
    );
  const set = (k: string, v: string | null) => update((p) => (v ? p.set(k, v) : p.delete(k)));
  const size = SIZES.includes(params.get("size") ?? "") ? Number(params.get("size")) : 100;
  const q = params.get("q") ?? "";
  const picked = params.get("cols")?.split(",").filter(Boolean);
  const filters = params.getAll("filter");
  const sort = params.get("sort") ?? "";
  const keyed = filters.length > 0 || sort !== "";

  // Keyset pages: the start of each page seen so far, reset whenever the query changes.
  const query = `${filters.join("\n")}|${sort}|${size}`;
  const [walk, setWalk] = useState<{ query: string; starts: Start[] }>({ query, starts: [{}] });
  const starts = walk.query === query ? walk.starts : [{}];
  const start = starts[starts.length - 1]!;

  const pages = Math.max(1, Math.ceil(job.items / size));
  const page = Math.min(pages, Math.max(1, Number(params.get("page")) || 1));
  const after = keyed ? start.after : (page - 1) * size;
  const items = useQuery({
    queryKey: ["items", job.key, query, after, start.cursor],
    queryFn: () => api<ItemsPage>(`${jobPath(job.key)}/items${itemsQuery({ after, cursor: start.cursor, limit: size, sort }, filters)}`),
    placeholderData: keepPreviousData,
    refetchInterval: job.state === "finished" ? false : 2000,
  });
  const rows = useMemo(() => items.data?.items ?? [], [items.data]);
  const fields = useMemo(() => {
    const seen = new Set<string>(items.data?.fields ?? []);
    for (const r of rows) if (r.data && typeof r.data === "object") for (const k of Object.keys(r.data)) seen.add(k);
    return [...seen];
  }, [items.data, rows]);
  const visible = picked?.length ? picked : fields;
  const columns = useMemo<ColumnDef<ItemRow>[]>(
    () => [
      { id: "#", header: "#", accessorFn: (r) => r.seq, cell: (c) => <Text c="dimmed" fz="xs">{c.row.original.seq}</Text> },
      ...visible.map<ColumnDef<ItemRow>>((f) => ({
        id: `f:${f}`,
        header: f,
        accessorFn: (r) => r.data?.[f],
        cell: (c) => <Cell value={c.row.original.data?.[f]} />,
      })),
    ],
    [visible],
  );
  const table = useReactTable({
    data: rows,
    columns,
    state: { globalFilter: q },
    globalFilterFn: (row, _col, value: string) => JSON.stringify(row.original.data).toLowerCase().includes(value.toLowerCase()),
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
  });
  const setFilters = (next: string[]) =>
    update((p) => {
      p.delete("filter");
      for (const f of next) p.append("filter", f);
      p.delete("page");
    });
  // Header clicks cycle ascending → descending → item order; "#" is item order.
  const toggleSort = (field: string | null) =>
    set("sort", field === null ? null : sort === field ? `-${field}` : sort === `-${field}` ? null : field);
  const exportUrl = (format: string, onlyPicked: boolean) =>
    `${jobPath(job.key)}/items/export${itemsQuery({ format, fields: onlyPicked && picked?.length ? picked.join(",") : undefined, sort }, filters)}`;
  const next = items.data?.nextCursor ? { cursor: items.data.nextCursor } : items.data?.nextAfter ? { after: items.data.nextAfter } : null;
  const scope = keyed ? "Matching" : "All";

  return (
    <>
      <ItemFilters fields={fields} filters={filters} onChange={setFilters} />
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
            <Menu.Label>{keyed ? "Matching items, in the order shown" : `All ${job.items.toLocaleString("en-US")} items`}</Menu.Label>
            <Menu.Item component="a" href={exportUrl("csv", false)} download data-testid="export-csv">
              CSV
            </Menu.Item>
            <Menu.Item component="a" href={exportUrl("json", false)} download>
              JSON
            </Menu.Item>
            <Menu.Item component="a" href={exportUrl("jsonl", false)} download data-testid="export-jsonl">
              JSON lines
            </Menu.Item>
            <Menu.Item component="a" href={exportUrl("xlsx", false)} download>
              Excel
            </Menu.Item>
            {picked?.length ? (
              <>
                <Menu.Label>{scope}, chosen columns only</Menu.Label>
                <Menu.Item component="a" href={exportUrl("csv", true)} download>
                  CSV
                </Menu.Item>
                <Menu.Item component="a" href={exportUrl("jsonl", true)} download>
                  JSON lines
                </Menu.Item>
                <Menu.Item component="a" href={exportUrl("xlsx", true)} download>
                  Excel
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
                  const field = h.column.id === "#" ? null : h.column.id.slice(2);
                  const dir = field === null ? null : sort === field ? "asc" : sort === `-${field}` ? "desc" : null;
                  return (
                    <Table.Th key={h.id} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none"}>
                      <button type="button" onClick={() => toggleSort(field)} title={field === null ? "Item order" : `Sort all items by ${field}`}>
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
          {keyed ? "No items match." : `No items ${job.state === "finished" ? "" : "yet"}.`}
        </Text>
      )}
      <Group justify="space-between" mt="sm">
        <Text fz="xs" c="dimmed" data-testid="items-range">
          {keyed
            ? `Page ${starts.length} · ${rows.length} matching item${rows.length === 1 ? "" : "s"} of ${job.items.toLocaleString("en-US")}`
            : `Items ${rows.length ? `${rows[0]!.seq.toLocaleString("en-US")}–${rows[rows.length - 1]!.seq.toLocaleString("en-US")}` : "—"} of ${job.items.toLocaleString("en-US")}`}
          {q ? ` · ${table.getRowModel().rows.length} match the search on this page` : ""}
        </Text>
        {keyed ? (
          <Group gap="xs">
            <Button size="xs" variant="default" disabled={starts.length < 2} onClick={() => setWalk({ query, starts: starts.slice(0, -1) })} data-testid="items-prev">
              Previous
            </Button>
            <Button size="xs" variant="default" disabled={!next || items.isFetching} onClick={() => next && setWalk({ query, starts: [...starts, next] })} data-testid="items-next">
              Next
            </Button>
          </Group>
        ) : (
          <Pagination size="sm" total={pages} value={page} onChange={(n) => set("page", String(n))} siblings={1} boundaries={1} aria-label="Item pages" />
        )}
      </Group>
    </>
  );
}
