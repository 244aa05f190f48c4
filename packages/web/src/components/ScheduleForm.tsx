// The form behind "New schedule" and "Edit": spider, cron, timezone, arguments, priority, tags, enabled.

import { useState } from "react";
import { Button, Group, Select, Switch, TagsInput, Textarea, TextInput } from "@mantine/core";
import type { Schedule, ScheduleInput } from "../api.ts";
import { parseArgs } from "./ScheduleBox.tsx";

const PRIORITIES = ["4", "3", "2", "1", "0"];

export function ScheduleForm(props: { spiders: string[]; initial?: Schedule; busy: boolean; onSubmit: (s: ScheduleInput) => void }) {
  const i = props.initial;
  const [spider, setSpider] = useState<string | null>(i?.spider ?? props.spiders[0] ?? null);
  const [cron, setCron] = useState(i?.cron ?? "0 * * * *");
  const [timezone, setTimezone] = useState(i?.timezone ?? "UTC");
  const [args, setArgs] = useState(i ? Object.entries(i.args).map(([k, v]) => `${k}=${v}`).join("\n") : "");
  const [priority, setPriority] = useState<string | null>(String(i?.priority ?? 2));
  const [tags, setTags] = useState<string[]>(i?.tags ?? []);
  const [enabled, setEnabled] = useState(i?.enabled ?? true);
  const parsed = parseArgs(args);
  return (
    <form
      aria-label={i ? "Edit schedule" : "New schedule"}
      onSubmit={(e) => {
        e.preventDefault();
        if (typeof parsed === "string") return;
        props.onSubmit({ ...(i ? {} : { spider: spider ?? undefined }), cron, timezone, args: parsed, priority: Number(priority), tags, enabled });
      }}
    >
      <Group align="flex-end" gap="sm">
        {!i && <Select label="Spider" data={props.spiders} value={spider} onChange={setSpider} allowDeselect={false} w={180} />}
        <TextInput label="Cron" value={cron} onChange={(e) => setCron(e.currentTarget.value)} w={160} className="mono" required />
        <TextInput label="Timezone" value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)} w={150} />
        <Textarea label="Arguments" placeholder="name=value per line" autosize minRows={1} value={args} onChange={(e) => setArgs(e.currentTarget.value)} w={240} error={typeof parsed === "string" ? parsed : undefined} />
        <Select label="Priority" data={PRIORITIES} value={priority} onChange={setPriority} allowDeselect={false} w={90} />
        <TagsInput label="Tags" value={tags} onChange={setTags} w={180} />
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} mb={8} />
        <Button type="submit" loading={props.busy} disabled={!cron.trim() || (!i && !spider)}>
          {i ? "Save" : "Create schedule"}
        </Button>
      </Group>
    </form>
  );
}
