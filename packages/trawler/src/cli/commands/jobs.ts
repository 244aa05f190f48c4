// `trawler jobs [filters] [--json]`: newest first, as a table.

import type { Command } from "commander";
import { JOB_STATES } from "@trawler/core";
import { clientFor, integerIn } from "../options.ts";
import { jobDuration, localTime, table } from "../format.ts";
import { UsageError } from "../errors.ts";

interface JobsOptions {
  project?: string;
  state?: string;
  spider?: string;
  tag?: string;
  outcome?: string;
  limit: number;
  json?: boolean;
}

export function registerJobs(program: Command): void {
  program
    .command("jobs")
    .description("list jobs, newest first")
    .option("--project <project>", "project name or id")
    .option("--state <state>", `one of ${JOB_STATES.join(", ")}`)
    .option("--spider <name>", "spider name")
    .option("--tag <tag>", "jobs with this tag")
    .option("--outcome <outcome>", "jobs that ended with this outcome")
    .option("--limit <n>", "how many jobs", integerIn(1, 1000), 20)
    .option("--json", "print JSON")
    .action(async (opts: JobsOptions, cmd: Command) => {
      if (opts.state !== undefined && !(JOB_STATES as readonly string[]).includes(opts.state))
        throw new UsageError(`--state must be one of ${JOB_STATES.join(", ")}, not ${JSON.stringify(opts.state)}`);
      const { jobs } = await clientFor(cmd).listJobs({
        project: opts.project,
        state: opts.state,
        spider: opts.spider,
        tag: opts.tag,
        outcome: opts.outcome,
        limit: opts.limit,
      });
      if (opts.json) return void process.stdout.write(JSON.stringify(jobs, null, 2) + "\n");
      if (jobs.length === 0) return void process.stdout.write("no jobs\n");
      process.stdout.write(
        table(
          ["key", "spider", "state", "outcome", "items", "requests", "errors", "started", "duration"],
          jobs.map((j) => [
            j.key,
            j.spider,
            j.state,
            j.outcome ?? "-",
            String(j.items),
            String(j.requests),
            String(j.errors),
            localTime(j.startedAt),
            jobDuration(j),
          ]),
        ),
      );
    });
}
