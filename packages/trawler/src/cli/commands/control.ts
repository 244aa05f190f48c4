// `trawler pause KEY`, `trawler resume KEY`, `trawler rerun KEY`.

import type { Command } from "commander";
import { clientFor } from "../options.ts";

const ACTIONS = {
  pause: "pause a job: a running one stops gracefully and keeps its job directory",
  resume: "resume a paused job: its next run continues from its job directory",
  rerun: "schedule a new job with the same spider, version, arguments, priority and tags",
} as const;

export function registerControl(program: Command): void {
  for (const [action, description] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
    program
      .command(action)
      .description(description)
      .argument("<key>", "job key PROJECT/SPIDER/NUMBER")
      .action(async (key: string, _opts: unknown, cmd: Command) => {
        const job = await clientFor(cmd).controlJob(key, action);
        const what =
          action === "rerun" ? `scheduled as ${job.key}` : action === "resume" ? "resumed" : job.state === "running" ? "pausing" : job.state;
        process.stdout.write(`${key} ${what}\n`);
      });
  }
}
