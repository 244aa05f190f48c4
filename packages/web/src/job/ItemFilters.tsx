// The Items tab's filter row: field (any item field, or a nested path typed by hand), operator and
// value; Enter or "Add filter" adds it. Filters are `field:op:value` strings, exactly the API's
// `filter` parameter (docs/api.md), kept in the URL by the caller; all of them must match.

import { useState, type FormEvent } from "react";
import { Autocomplete, Button, Group, NativeSelect, TextInput } from "@mantine/core";

export const OPERATORS = [
  { value: "eq", label: "=", name: "equals" },
  { value: "ne", label: "≠", name: "not equal" },
  { value: "gt", label: ">", name: "greater than" },
  { value: "gte", label: "≥", name: "at least" },
  { value: "lt", label: "<", name: "less than" },
  { value: "lte", label: "≤", name: "at most" },
  { value: "contains", label: "contains", name: "contains" },
  { value: "exists", label: "exists", name: "exists" },
] as const;

/** `price:gt:10` as `price > 10`, for the chips. */
export function describeFilter(f: string): string {
  const [field = "", op = "", ...rest] = f.split(":");
  const o = OPERATORS.find((x) => x.value === op);
  const value = rest.join(":");
  if (op === "exists") return value === "false" ? `${field} missing` : `${field} exists`;
  return `${field} ${o?.label ?? op} ${JSON.stringify(value)}`;
}

export function ItemFilters({ fields, filters, onChange }: { fields: string[]; filters: string[]; onChange: (f: string[]) => void }) {
  const [field, setField] = useState("");
  const [op, setOp] = useState("eq");
  const [value, setValue] = useState("");
  const add = (e: FormEvent) => {
    e.preventDefault();
    const name = field.trim();
    if (!name) return;
    const f = op === "exists" ? `${name}:exists` : `${name}:${op}:${value}`;
    if (!filters.includes(f)) onChange([...filters, f]);
    setValue("");
  };
  return (
    <>
      <form onSubmit={add} aria-label="Add an item filter">
        <Group gap="xs" align="flex-end" mb="xs">
          <Autocomplete
            size="xs"
            label="Filter field"
            placeholder="field or a.b.c"
            data={fields}
            value={field}
            onChange={setField}
            w={200}
            data-testid="item-filter-field"
          />
          <NativeSelect
            size="xs"
            label="Operator"
            data={OPERATORS.map((o) => ({ value: o.value, label: o.label === o.name ? o.name : `${o.label} (${o.name})` }))}
            value={op}
            onChange={(e) => setOp(e.currentTarget.value)}
            w={150}
            data-testid="item-filter-op"
          />
          <TextInput
            size="xs"
            label="Value"
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
            disabled={op === "exists"}
            placeholder={op === "exists" ? "—" : "10, lamp, true…"}
            w={180}
            data-testid="item-filter-value"
          />
          <Button size="xs" type="submit" variant="light" disabled={!field.trim() || (op === "contains" && !value)} data-testid="item-filter-add">
            Add filter
          </Button>
        </Group>
      </form>
      {filters.length > 0 && (
        <Group gap={6} mb="xs" aria-label="Active filters" role="group">
          {filters.map((f) => (
            <Button
              key={f}
              size="compact-xs"
              variant="outline"
              rightSection="×"
              aria-label={`Remove filter ${describeFilter(f)}`}
              onClick={() => onChange(filters.filter((x) => x !== f))}
              data-testid="item-filter-chip"
            >
              {describeFilter(f)}
            </Button>
          ))}
          <Button size="compact-xs" variant="subtle" onClick={() => onChange([])}>
            Clear filters
          </Button>
        </Group>
      )}
    </>
  );
}
