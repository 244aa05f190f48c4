// `trawler schedules PROJECT` lists cron schedules; `trawler cron add PROJECT SPIDER "CRON"`
// creates one and prints its id and next fire times; `trawler cron enable|disable|rm ID`.

import { InvalidArgumentError, type Command } from "commander";
import { PRIORITY_MAX, PRIORITY_MIN } from "@trawler/core";
import { clientFor, collectKeyValue, collectList, integerIn } from "../options.ts";
import { localTime, table } from "../format.ts";

interface CronSchedule {
  id: number;
  spider: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  overlap: string;
  misfire: string;
  nextFires: string[];
  lastJob: string | null;
  lastError: string | null;
}

interface AddOptions {
  arg?: Record<string, string>;
  priority?: number;
  tag?: string[];
  tz?: string;
  overlap?: string;
  misfire?: string;
  disabled?: boolean;
}

const oneOf = (values: string[]) => (raw: string) => {
  if (!values.includes(raw)) throw new InvalidArgumentError(`expected one of ${values.join(", ")}`);
  return raw;
};

const id = integerIn(1, Number.MAX_SAFE_INTEGER);

function describe(s: CronSchedule): string {
  const state = s.enabled ? "enabled" : "disabled";
  const next = s.enabled ? s.nextFires.map((f) => `  ${localTime(f)}`).join("\n") : "  (disabled)";
  return `schedule ${s.id}: ${s.spider} "${s.cron}" ${s.timezone}, ${state}, overlap ${s.overlap}, misfire ${s.misfire}\nnext fires:\n${next}\n`;
}

export function registerCron(program: Command): void {
  program
    .command("schedules")
    .description("list a project's cron schedules")
    .argument("<project>", "project name or id")
    .option("--json", "print JSON")
    .action(async (project: string, opts: { json?: boolean }, cmd: Command) => {
      const { schedules } = await clientFor(cmd).json<{ schedules: CronSchedule[] }>("GET", `/api/v1/projects/${encodeURIComponent(project)}/schedules`);
      if (opts.json) return void process.stdout.write(JSON.stringify(schedules, null, 2) + "\n");
      if (schedules.length === 0) return void process.stdout.write(`project ${project} has no schedules — add one with \`trawler cron add\`\n`);
      process.stdout.write(
        table(
          ["id", "spider", "cron", "timezone", "state", "overlap", "next fire", "last job"],
          schedules.map((s) => [
            String(s.id),
            s.spider,
            s.cron,
            s.timezone,
            s.enabled ? "enabled" : "disabled",
            s.overlap,
            s.enabled ? localTime(s.nextFires[0]) : "-",
            s.lastError ? `error: ${s.lastError}` : (s.lastJob ?? "-"),
          ]),
        ),
      );
    });

  const cron = program.command("cron").description("manage cron schedules");
  cron
    .command("add")
    .description("schedule a spider on a cron expression (5 fields, or 6 with seconds)")
    .argument("<project>", "project name or id")
    .argument("<spider>", "spider name")
    .argument("<cron>", 'cron expression, e.g. "*/5 * * * *"')
    .option("-a, --arg <name=value>", "spider argument (repeatable)", collectKeyValue)
    .option("-p, --priority <n>", `priority ${PRIORITY_MIN} (lowest) to ${PRIORITY_MAX} (highest)`, integerIn(PRIORITY_MIN, PRIORITY_MAX))
    .option("-t, --tag <tag>", "tag for each job (repeatable)", collectList)
    .option("--tz <timezone>", "IANA timezone the expression is read in (default UTC)")
    .option("--overlap <policy>", "skip: no new job while the last is pending/running (default); queue: always", oneOf(["skip", "queue"]))
    .option("--misfire <policy>", "once: one catch-up job after downtime (default); skip: none", oneOf(["once", "skip"]))
    .option("--disabled", "create it disabled")
    .action(async (project: string, spider: string, expr: string, opts: AddOptions, cmd: Command) => {
      const s = await clientFor(cmd).json<CronSchedule>("POST", `/api/v1/projects/${encodeURIComponent(project)}/schedules`, {
        json: {
          spider,
          cron: expr,
          args: opts.arg,
          priority: opts.priority,
          tags: opts.tag,
          timezone: opts.tz,
          overlap: opts.overlap,
          misfire: opts.misfire,
          enabled: opts.disabled ? false : undefined,
        },
      });
      process.stdout.write(describe(s));
    });

  for (const [name, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const)
    cron
      .command(name)
      .description(`${name} a schedule`)
      .argument("<id>", "schedule id", id)
      .action(async (scheduleId: number, _opts: unknown, cmd: Command) => {
        const s = await clientFor(cmd).json<CronSchedule>("PATCH", `/api/v1/schedules/${scheduleId}`, { json: { enabled } });
        process.stdout.write(describe(s));
      });

  cron
    .command("rm")
    .description("delete a schedule (its jobs are kept)")
    .argument("<id>", "schedule id", id)
    .action(async (scheduleId: number, _opts: unknown, cmd: Command) => {
      await clientFor(cmd).fetch("DELETE", `/api/v1/schedules/${scheduleId}`);
      process.stdout.write(`schedule ${scheduleId} deleted\n`);
    });
}
