// The search bar on every page (seed 000): jump to a project, a spider or a job by key as you type.
// `/` focuses it; Enter on a job key like 1/3/42 opens that job.

import { useMemo, useRef, useState } from "react";
import { Autocomplete, Kbd } from "@mantine/core";
import { useHotkeys } from "@mantine/hooks";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { parseJobKey } from "@trawler/core";
import { listProjects, listSpiders } from "../api.ts";

export function SearchBar() {
  const [value, setValue] = useState("");
  const [active, setActive] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  useHotkeys([["/", () => ref.current?.focus()]]);
  const projects = useQuery({ queryKey: ["projects"], queryFn: listProjects, enabled: active, staleTime: 10_000 });
  const spiders = useQueries({
    queries: (projects.data?.projects ?? []).slice(0, 50).map((p) => ({
      queryKey: ["spiders", String(p.id)],
      queryFn: () => listSpiders(String(p.id)),
      enabled: active,
      staleTime: 10_000,
    })),
  });

  // Option label → where it goes. Labels are unique because they carry their kind.
  const targets = useMemo(() => {
    const map = new Map<string, string>();
    for (const p of projects.data?.projects ?? []) map.set(`Project ${p.name}`, `/p/${p.id}`);
    for (const s of spiders) for (const sp of s.data?.spiders ?? []) {
      const project = projects.data?.projects.find((p) => p.id === sp.projectId);
      map.set(`Spider ${project?.name ?? sp.projectId}/${sp.name}`, `/p/${sp.projectId}?spider=${encodeURIComponent(sp.name)}`);
    }
    const key = parseJobKey(value.trim());
    if (key) map.set(`Job ${key.project}/${key.spider}/${key.number}`, `/jobs/${key.project}/${key.spider}/${key.number}`);
    return map;
  }, [projects.data, spiders, value]);

  const go = (label: string) => {
    const to = targets.get(label);
    if (!to) return;
    setValue("");
    ref.current?.blur();
    navigate(to);
  };

  return (
    <Autocomplete
      ref={ref}
      aria-label="Search projects, spiders and jobs"
      placeholder="Search project, spider or job key 1/3/42"
      w={{ base: 260, md: 420 }}
      value={value}
      onChange={setValue}
      onFocus={() => setActive(true)}
      data={[...targets.keys()]}
      limit={20}
      onOptionSubmit={go}
      rightSection={<Kbd size="xs">/</Kbd>}
      onKeyDown={(e) => {
        if (e.key !== "Enter") return;
        const key = parseJobKey(value.trim());
        if (key) go(`Job ${key.project}/${key.spider}/${key.number}`);
      }}
    />
  );
}
