// Logs tab (seed 004): a virtualised list (only visible rows are in the DOM), pages loaded from the
// server as you scroll, live tail over SSE, level filter, search, jump to first error, download.

import { useEffect, useMemo, useRef, useState } from "react";
import { Alert, Badge, Button, Checkbox, Group, Loader, SegmentedControl, Text, TextInput } from "@mantine/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useSearchParams } from "react-router";
import { api, jobPath, qs, type Job, type LogLine } from "../api.ts";
import { LEVELS, levelName } from "../format.ts";
import { fetchAllLogText, useLogLines } from "./useLogLines.ts";
import { saveBlob } from "./download.ts";

const TAIL = 2000;

export function LogsTab({ job }: { job: Job }) {
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
  const level = params.get("level") ?? "";
  const needle = params.get("q") ?? "";
  // A running job opens on its tail, a finished one at its first line; `from` in the URL wins.
  const [defaultFrom] = useState(() => (job.state === "finished" ? 0 : Math.max(0, job.logs.total - TAIL)));
  const from = params.has("from") ? Math.max(0, Number(params.get("from")) || 0) : defaultFrom;
  const log = useLogLines(job.key, from, level, job.state === "finished");
  const [follow, setFollow] = useState(true);
  const [progress, setProgress] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const shown: LogLine[] = useMemo(() => {
    if (!needle) return log.lines;
    const n = needle.toLowerCase();
    return log.lines.filter((l) => l.message.toLowerCase().includes(n));
  }, [log.lines, log.version, needle]);

  const v = useVirtualizer({ count: shown.length, getScrollElement: () => scrollRef.current, estimateSize: () => 20, overscan: 30 });
  const items = v.getVirtualItems();
  const last = items[items.length - 1];

  // Load the next page when the reader nears the end of what is loaded.
  useEffect(() => {
    if (!log.atEnd && !log.loading && !log.error && (!last || last.index >= shown.length - 200)) log.loadMore();
  }, [last?.index, shown.length, log]);

  // Follow the tail while live.
  useEffect(() => {
    if (follow && log.live && shown.length) v.scrollToIndex(shown.length - 1, { align: "end" });
  }, [log.version, follow, log.live, shown.length, v]);

  const firstError = async () => {
    const res = await api<{ logs: LogLine[] }>(`${jobPath(job.key)}/logs${qs({ level: "error", limit: 1 })}`);
    const first = res.logs[0];
    if (!first) {
      setNotice("This job has no error lines.");
      return;
    }
    setNotice(null);
    setFollow(false);
    set("from", String(first.seq - 1));
  };

  const download = async () => {
    setProgress("0 lines");
    try {
      const blob = await fetchAllLogText(job.key, level, (n) => setProgress(`${n.toLocaleString("en-US")} lines`));
      saveBlob(blob, `log-${job.key.replaceAll("/", "-")}.txt`);
    } finally {
      setProgress(null);
    }
  };

  return (
    <>
      <Group gap="sm" mb="xs" align="center">
        <SegmentedControl
          size="xs"
          aria-label="Minimum level"
          value={level || "all"}
          onChange={(val) => set("level", val === "all" ? null : val)}
          data={[{ value: "all", label: "All" }, ...LEVELS.map((l) => ({ value: l.name, label: l.name }))]}
        />
        <TextInput size="xs" placeholder="Search loaded lines" aria-label="Search log" value={needle} onChange={(e) => set("q", e.currentTarget.value || null)} w={220} />
        <Button size="xs" variant="default" onClick={() => set("from", "0")}>
          From start
        </Button>
        <Button size="xs" variant="default" onClick={() => set("from", String(Math.max(0, job.logs.total - TAIL)))}>
          Tail
        </Button>
        <Button size="xs" variant="default" color="red" onClick={() => void firstError()} disabled={!job.errors}>
          First error
        </Button>
        <Button size="xs" variant="default" onClick={() => void download()} loading={progress !== null}>
          Download
        </Button>
        <Checkbox size="xs" label="Follow" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} />
        {log.live && (
          <Badge color="green" variant="dot" data-testid="live">
            live
          </Badge>
        )}
        {log.loading && <Loader size="xs" />}
        {progress && <Text fz="xs">{progress}</Text>}
      </Group>
      {notice && <Text fz="sm" c="dimmed" mb="xs">{notice}</Text>}
      {log.error && (
        <Alert color="red" mb="xs" role="alert">
          {log.error}
        </Alert>
      )}
      <Text fz="xs" c="dimmed" mb={4}>
        {from > 0 ? `From line ${(from + 1).toLocaleString("en-US")} · ` : ""}
        {shown.length.toLocaleString("en-US")} lines shown{needle ? ` matching "${needle}"` : ""}
        {log.dropped ? ` · ${log.dropped.toLocaleString("en-US")} earlier lines released from the page (Download has all)` : ""}
        {!log.atEnd && !log.loading ? " · scroll for more" : ""}
      </Text>
      <div
        ref={scrollRef}
        data-testid="log-list"
        tabIndex={0}
        role="log"
        aria-label="Log lines"
        style={{ height: "calc(100vh - 290px)", minHeight: 300, overflow: "auto", border: "1px solid var(--mantine-color-gray-3)", borderRadius: 4 }}
      >
        <div style={{ height: v.getTotalSize(), position: "relative" }}>
          {items.map((row) => {
            const l = shown[row.index]!;
            return (
              <div
                key={row.key}
                className={`log-row lvl-${Math.floor(l.level / 10) * 10}${needle ? " hit" : ""}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: 20, transform: `translateY(${row.start}px)` }}
                data-testid="log-line"
              >
                <span className="seq">{l.seq}</span>
                <span className="time">{l.time.slice(11, 23)}</span>
                <span className="lvl">{levelName(l.level).toUpperCase()}</span>
                <span className="msg" title={l.message.length > 120 ? l.message.slice(0, 2000) : undefined}>
                  {l.message}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
