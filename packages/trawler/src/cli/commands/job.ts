// `trawler job KEY` (details) and `trawler cancel KEY`.

import type { Command } from "commander";
import type { Job } from "../client.ts";
import { clientFor } from "../options.ts";
import { jobDuration, localTime } from "../format.ts";

function describe(job: Job): string {
  const rows: [string, string][] = [
    ["key", job.key],
    ["spider", job.spider],
    ["state", job.state],
    ["outcome", job.outcome ?? "-"],
    ["priority", String(job.priority)],
    [
      "args",
      Object.keys(job.args).length
        ? Object.entries(job.args)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")
        : "-",
    ],
    ["tags", job.tags.length ? job.tags.join(", ") : "-"],
    ["version", String(job.versionId)],
    ["created", localTime(job.createdAt)],
    ["started", localTime(job.startedAt)],
    ["finished", localTime(job.finishedAt)],
    ["duration", jobDuration(job)],
    ["items", String(job.items)],
    ["requests", String(job.requests)],
    ["errors", String(job.errors)],
    [
      "log lines",
      `${job.logs.total} (warning ${job.logs.warning}, error ${job.logs.error}, critical ${job.logs.critical})`,
    ],
    ["attempt", String(job.attempt)],
    ["exit", job.exitSignal ?? (job.exitCode === null ? "-" : String(job.exitCode))],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n") + "\n";
}

export function registerJob(program: Command): void {
  program
    .command("job")
    .description("show a job")
    .argument("<key>", "job key PROJECT/SPIDER/NUMBER")
    .option("--json", "print JSON")
    .action(async (key: string, opts: { json?: boolean }, cmd: Command) => {
      const job = await clientFor(cmd).getJob(key);
      process.stdout.write(opts.json ? JSON.stringify(job, null, 2) + "\n" : describe(job));
    });

  program
    .command("cancel")
    .description("cancel a pending job, or stop a running one")
    .argument("<key>", "job key PROJECT/SPIDER/NUMBER")
    .action(async (key: string, _opts: unknown, cmd: Command) => {
      const job = await clientFor(cmd).cancelJob(key);
      // A running job keeps running until its spider has stopped; say which case this is.
      const what =
        job.state !== "finished"
          ? "stopping"
          : job.outcome === "cancelled" || job.outcome === null
            ? "cancelled"
            : `ended (${job.outcome})`;
      process.stdout.write(`${job.key} ${what}\n`);
    });
}
