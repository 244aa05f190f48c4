// The lines behind the Logs tab: pages of /logs from a starting seq (server-side paging, loaded as the
// reader scrolls), then a live tail over Server-Sent Events while the job runs. Lines arriving fast
// (10,000/s) are buffered and flushed to React at most every 100 ms; the page keeps at most
// MAX_LINES in memory and says so when it drops older ones.

import { useCallback, useEffect, useRef, useState } from "react";
import { api, jobPath, qs, type LogLine } from "../api.ts";

const PAGE = 5000;
export const MAX_LINES = 300_000;
const FLUSH_MS = 100;

export interface LogLinesState {
  lines: LogLine[];
  version: number;
  atEnd: boolean;
  live: boolean;
  loading: boolean;
  dropped: number;
  error: string | null;
  loadMore: () => void;
}

export function useLogLines(key: string, from: number, level: string, finished: boolean): LogLinesState {
  // Read when the view catches up: a job that has not finished then is followed until the stream's `end`.
  const finishedRef = useRef(finished);
  finishedRef.current = finished;
  const lines = useRef<LogLine[]>([]);
  const buffer = useRef<LogLine[]>([]);
  const cursor = useRef(from);
  const busy = useRef(false);
  const [version, setVersion] = useState(0);
  const [atEnd, setAtEnd] = useState(false);
  const [live, setLive] = useState(false);
  const [loading, setLoading] = useState(false);
  const [dropped, setDropped] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const gen = useRef(0);

  const append = useCallback((batch: LogLine[]) => {
    if (!batch.length) return;
    const arr = lines.current;
    for (const l of batch) arr.push(l);
    if (arr.length > MAX_LINES) {
      const cut = arr.length - MAX_LINES;
      arr.splice(0, cut);
      setDropped((d) => d + cut);
    }
    cursor.current = batch[batch.length - 1]!.seq;
    setVersion((v) => v + 1);
  }, []);

  // Reset whenever the view changes.
  useEffect(() => {
    gen.current++;
    lines.current = [];
    buffer.current = [];
    cursor.current = from;
    busy.current = false;
    setAtEnd(false);
    setLive(false);
    setDropped(0);
    setError(null);
    setVersion((v) => v + 1);
  }, [key, from, level]);

  const loadMore = useCallback(() => {
    if (busy.current) return;
    busy.current = true;
    const g = gen.current;
    setLoading(true);
    api<{ logs: LogLine[]; nextAfter: number }>(`${jobPath(key)}/logs${qs({ after: cursor.current, limit: PAGE, level })}`)
      .then((res) => {
        if (g !== gen.current) return;
        append(res.logs);
        if (res.logs.length < PAGE) setAtEnd(true);
      })
      .catch((e: Error) => g === gen.current && setError(e.message))
      .finally(() => {
        if (g === gen.current) {
          busy.current = false;
          setLoading(false);
        }
      });
  }, [key, level, append]);

  // First page of each view.
  useEffect(() => {
    loadMore();
  }, [loadMore, from]);

  // Live tail once caught up with a job that has not finished.
  useEffect(() => {
    if (!atEnd || finishedRef.current) return;
    const g = gen.current;
    const es = new EventSource(`${jobPath(key)}/logs/stream${qs({ after: cursor.current, level })}`);
    setLive(true);
    es.addEventListener("log", (ev) => {
      if (g !== gen.current) return;
      buffer.current.push(JSON.parse((ev as MessageEvent<string>).data) as LogLine);
    });
    es.addEventListener("end", () => {
      es.close();
      setLive(false);
    });
    const timer = setInterval(() => {
      if (!buffer.current.length || g !== gen.current) return;
      const batch = buffer.current;
      buffer.current = [];
      append(batch.filter((l) => l.seq > cursor.current));
    }, FLUSH_MS);
    return () => {
      es.close();
      clearInterval(timer);
      if (buffer.current.length && g === gen.current) append(buffer.current.splice(0).filter((l) => l.seq > cursor.current));
      setLive(false);
    };
  }, [atEnd, key, level, append]);

  return { lines: lines.current, version, atEnd, live, loading, dropped, error, loadMore };
}

/** Every line of the job as text, fetched page by page (for Download). */
export async function fetchAllLogText(key: string, level: string, onProgress: (n: number) => void): Promise<Blob> {
  const parts: string[] = [];
  let after = 0;
  let n = 0;
  for (;;) {
    const res = await api<{ logs: LogLine[]; nextAfter: number }>(`${jobPath(key)}/logs${qs({ after, limit: PAGE, level })}`);
    for (const l of res.logs) parts.push(`${l.time} [${l.level}] ${l.message}\n`);
    n += res.logs.length;
    onProgress(n);
    if (res.logs.length < PAGE) break;
    after = res.nextAfter;
  }
  return new Blob(parts, { type: "text/plain;charset=utf-8" });
}
