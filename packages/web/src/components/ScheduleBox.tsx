// The Schedule box (seed 000): pick a spider, arguments, priority and tags; one click.

import { useState } from "react";
import { Alert, Button, Group, Paper, Select, TagsInput, Text, Textarea } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { listSpiders, scheduleJob, type Job } from "../api.ts";

/** `name=value` per line (or separated by spaces) → arguments; returns an error text for a bad line. */
export function parseArgs(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return `"${line.slice(0, 40)}" is not name=value`;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

const PRIORITIES = [
  { value: "4", label: "4 highest" },
  { value: "3", label: "3 high" },
  { value: "2", label: "2 normal" },
  { value: "1", label: "1 low" },
  { value: "0", label: "0 lowest" },
];

export function ScheduleBox({ project, spider: initialSpider }: { project: string; spider?: string }) {
  const spiders = useQuery({ queryKey: ["spiders", project], queryFn: () => listSpiders(project) });
  const [spider, setSpider] = useState<string | null>(initialSpider ?? null);
  const [args, setArgs] = useState("");
  const [priority, setPriority] = useState<string | null>("2");
  const [tags, setTags] = useState<string[]>([]);
  const [last, setLast] = useState<Job | null>(null);
  const qc = useQueryClient();
  const parsed = parseArgs(args);
  const m = useMutation({
    mutationFn: () => scheduleJob({ project, spider: spider!, args: parsed as Record<string, string>, priority: Number(priority ?? 2), tags }),
    onSuccess: (job) => {
      setLast(job);
      void qc.invalidateQueries({ queryKey: ["jobs"] });
    },
  });
  const names = (spiders.data?.spiders ?? []).map((s) => s.name);
  const chosen = spider ?? names[0] ?? null;
  return (
    <Paper withBorder p="sm" mb="md" component="form" aria-label="Schedule" onSubmit={(e) => {
      e.preventDefault();
      if (!spider && chosen) setSpider(chosen);
      if (chosen && typeof parsed !== "string") m.mutate();
    }}>
      <Text fw={600} mb={4}>
        Schedule
      </Text>
      <Group align="flex-end" gap="sm">
        <Select label="Spider" data={names} value={chosen} onChange={setSpider} allowDeselect={false} searchable w={200} aria-label="Spider" />
        <Textarea
          label="Arguments"
          placeholder="name=value, one per line"
          autosize
          minRows={1}
          maxRows={4}
          w={320}
          value={args}
          onChange={(e) => setArgs(e.currentTarget.value)}
          error={typeof parsed === "string" ? parsed : undefined}
        />
        <Select label="Priority" data={PRIORITIES} value={priority} onChange={setPriority} allowDeselect={false} w={130} />
        <TagsInput label="Tags" value={tags} onChange={setTags} w={220} placeholder="Enter to add" />
        <Button type="submit" loading={m.isPending} disabled={!chosen || typeof parsed === "string"}>
          Schedule
        </Button>
      </Group>
      {m.error && (
        <Alert color="red" mt="sm" role="alert">
          {m.error.message}
        </Alert>
      )}
      {last && !m.error && (
        <Text fz="sm" mt="xs" role="status">
          Scheduled job{" "}
          <Link to={`/jobs/${last.key}`} data-testid="scheduled-link">
            {last.key}
          </Link>{" "}
          ({last.spider}).
        </Text>
      )}
    </Paper>
  );
}
