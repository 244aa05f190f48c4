// Formatting helpers. Everything here returns plain strings: data is rendered as text by React.

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function jobDurationMs(job: { startedAt: string | null; finishedAt: string | null }, now = Date.now()): number | null {
  if (!job.startedAt) return null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return end - Date.parse(job.startedAt);
}

export const fmtNumber = (n: number | null | undefined) => (n === null || n === undefined ? "—" : n.toLocaleString("en-US"));

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function fmtArgs(args: Record<string, string>): string {
  return Object.entries(args)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/** Any value as readable text: strings as they are, the rest as compact JSON. */
export function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** A URL that is safe to put in href: only absolute http(s). `javascript:`, `data:` and the rest stay text. */
export function safeHttpUrl(v: unknown): string | undefined {
  if (typeof v !== "string" || v.length > 4096) return undefined;
  if (!/^https?:\/\//i.test(v)) return undefined;
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export const LEVELS: { value: number; name: string; color: string }[] = [
  { value: 10, name: "debug", color: "gray" },
  { value: 20, name: "info", color: "blue" },
  { value: 30, name: "warning", color: "yellow" },
  { value: 40, name: "error", color: "red" },
  { value: 50, name: "critical", color: "grape" },
];

export function levelName(level: number): string {
  let name = "debug";
  for (const l of LEVELS) if (level >= l.value) name = l.name;
  return name;
}

export function levelColor(level: number): string {
  let color = "gray";
  for (const l of LEVELS) if (level >= l.value) color = l.color;
  return color;
}
