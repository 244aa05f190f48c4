// The `trawler` command: builds the commander program and maps failures to exit codes.
// Only commander and the HTTP client load at start-up; heavy modules (the server, the SDK,
// cli-progress) are imported by the commands that need them.

import { Command, Option } from "commander";
import { reportError } from "./errors.ts";
import { DEFAULT_URL } from "./options.ts";
import { registerCrawl } from "./commands/crawl.ts";
import { registerCron } from "./commands/cron.ts";
import { registerDeploy } from "./commands/deploy.ts";
import { registerItems } from "./commands/items.ts";
import { registerJob } from "./commands/job.ts";
import { registerControl } from "./commands/control.ts";
import { registerJobs } from "./commands/jobs.ts";
import { registerLogs } from "./commands/logs.ts";
import { registerProjects } from "./commands/projects.ts";
import { registerSchedule } from "./commands/schedule.ts";
import { registerServe } from "./commands/serve.ts";

export const VERSION = "0.1.0";

export function buildProgram(): Command {
  const program = new Command("trawler")
    .description("Trawler: deploy, run and watch web spiders")
    .version(VERSION)
    .addOption(new Option("--url <url>", "Trawler server URL").env("TRAWLER_URL").default(DEFAULT_URL))
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ sortSubcommands: false });
  for (const register of [
    registerServe,
    registerDeploy,
    registerProjects,
    registerSchedule,
    registerCron,
    registerJobs,
    registerJob,
    registerControl,
    registerLogs,
    registerItems,
    registerCrawl,
  ])
    register(program);
  return program;
}

/** Runs the CLI; resolves with the exit code (commands may also set process.exitCode). */
export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}
