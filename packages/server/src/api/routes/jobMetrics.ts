import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { ApiContext } from "../context.ts";
import { JobKeyParams } from "../schemas.ts";
import { iso } from "../presenters.ts";
import { getJobByKey } from "../../store/jobs.ts";
import { metricsSeries, requestFigures } from "../../store/metrics.ts";

const base = "/api/v1/jobs/:project/:spider/:number";

export function jobMetricsRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(`${base}/metrics`, { schema: { tags: ["metrics"], summary: "CPU, memory, I/O and progress over time, with derived figures", params: JobKeyParams } }, async (req) => {
      const job = await getJobByKey(ctx.store, req.params);
      const series = await metricsSeries(ctx.store, job.id);
      const figures = await requestFigures(ctx.store, job.id);
      const start = job.started_at;
      const end = job.finished_at ?? series.at(-1)?.time ?? null;
      const minutes = start !== null && end !== null && end > start ? (end - start) / 60_000 : null;
      return {
        series: series.map((m) => ({
          time: iso(m.time),
          attempt: m.attempt,
          cpuPercent: m.cpu_percent,
          rssBytes: Number(m.rss),
          readBytes: Number(m.read_bytes),
          writeBytes: Number(m.write_bytes),
          processes: m.processes,
          items: Number(m.items),
          requests: Number(m.requests),
          bytesDownloaded: Number(m.bytes_downloaded),
        })),
        summary: {
          requests: figures.total,
          successRate: figures.successRate,
          meanResponseMs: figures.meanResponseMs,
          p95ResponseMs: figures.p95ResponseMs,
          bytesDownloaded: figures.bytes,
          statuses: figures.statuses,
          itemsPerMinute: minutes ? Number(job.items_count) / minutes : null,
          pagesPerMinute: minutes ? figures.total / minutes : null,
          peakRssBytes: series.reduce((max, m) => Math.max(max, Number(m.rss)), 0) || null,
          peakCpuPercent: series.reduce((max, m) => Math.max(max, m.cpu_percent), 0) || null,
        },
      };
    });

    app.get(`${base}/runs`, { schema: { tags: ["jobs"], summary: "Each process lifetime of the job (pause/resume history)", params: JobKeyParams } }, async (req) => {
      const job = await getJobByKey(ctx.store, req.params);
      const runs = await ctx.store.db.selectFrom("job_runs").selectAll().where("job_id", "=", job.id).orderBy("attempt").execute();
      return {
        runs: runs.map((r) => ({
          attempt: r.attempt,
          node: r.node_id,
          pid: r.pid,
          startedAt: iso(r.started_at),
          finishedAt: iso(r.finished_at),
          exitCode: r.exit_code,
          exitSignal: r.exit_signal,
          outcome: r.outcome,
          items: Number(r.items),
          peakRssBytes: r.peak_rss === null ? null : Number(r.peak_rss),
        })),
      };
    });
  };
}
