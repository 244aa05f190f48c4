// `trawler schedule PROJECT SPIDER [-a k=v]... [-p N] [-t tag]... [-s K=V]...`: prints the job key.

import type { Command } from "commander";
import { PRIORITY_MAX, PRIORITY_MIN } from "@trawler/core";
import { clientFor, collectKeyValue, collectList, integerIn } from "../options.ts";

interface ScheduleOptions {
  arg?: Record<string, string>;
  priority?: number;
  tag?: string[];
  set?: Record<string, string>;
}

export function registerSchedule(program: Command): void {
  program
    .command("schedule")
    .description("schedule a job; prints its key")
    .argument("<project>", "project name or id")
    .argument("<spider>", "spider name")
    .option("-a, --arg <name=value>", "spider argument (repeatable)", collectKeyValue)
    .option(
      "-p, --priority <n>",
      `priority ${PRIORITY_MIN} (lowest) to ${PRIORITY_MAX} (highest)`,
      integerIn(PRIORITY_MIN, PRIORITY_MAX),
    )
    .option("-t, --tag <tag>", "tag (repeatable)", collectList)
    .option("-s, --set <name=value>", "setting for this job (repeatable)", collectKeyValue)
    .action(async (project: string, spider: string, opts: ScheduleOptions, cmd: Command) => {
      const job = await clientFor(cmd).schedule({
        project,
        spider,
        args: opts.arg,
        priority: opts.priority,
        tags: opts.tag,
        settings: opts.set,
      });
      process.stdout.write(`${job.key}\n`);
    });
}
