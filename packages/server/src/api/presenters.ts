// Shapes database rows into the API's JSON, so column names and internals never leak to clients.

import { formatJobKey, type Job, type JobState } from "@trawler/core";
import type { JobWithSpider } from "../store/jobs.ts";
import type { ProjectRow } from "../store/projects.ts";

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

export function presentJob(j: JobWithSpider): Job {
  return {
    key: formatJobKey({ project: j.project_id, spider: j.spider_id, number: j.number }),
    id: j.id,
    projectId: j.project_id,
    spiderId: j.spider_id,
    spider: j.spider_name,
    number: j.number,
    state: j.state as JobState,
    outcome: j.outcome,
    priority: j.priority,
    args: JSON.parse(j.args) as Record<string, string>,
    tags: JSON.parse(j.tags) as string[],
    settings: JSON.parse(j.settings) as Record<string, unknown>,
    versionId: j.version_id,
    createdAt: new Date(Number(j.created_at)).toISOString(),
    startedAt: iso(j.started_at),
    finishedAt: iso(j.finished_at),
    attempt: j.attempt,
    node: j.node_id,
    exitCode: j.exit_code,
    exitSignal: j.exit_signal,
    cancelRequested: j.cancel_requested_at !== null,
    stopRequested: j.stop_request,
    items: Number(j.items_count),
    itemsDropped: Number(j.items_dropped),
    requests: Number(j.requests_count),
    errors: Number(j.log_error) + Number(j.log_critical),
    logs: {
      debug: Number(j.log_debug),
      info: Number(j.log_info),
      warning: Number(j.log_warning),
      error: Number(j.log_error),
      critical: Number(j.log_critical),
      total: Number(j.log_count),
    },
  };
}

export function presentProject(p: Pick<ProjectRow, "id" | "organization_id" | "name" | "current_version_id" | "created_at">) {
  return {
    id: p.id,
    organizationId: p.organization_id,
    name: p.name,
    currentVersion: p.current_version_id,
    createdAt: iso(p.created_at),
  };
}

export function presentOrganization(o: { id: number; name: string; created_at: number }) {
  return { id: o.id, name: o.name, createdAt: iso(o.created_at) };
}

export function presentVersion(v: { id: number; project_id: number; label: string; sha256: string; size: number; created_at: number; spiders: string[] }) {
  return {
    id: v.id,
    projectId: v.project_id,
    label: v.label,
    sha256: v.sha256,
    size: Number(v.size),
    spiders: v.spiders,
    createdAt: iso(v.created_at),
  };
}

export { iso };
