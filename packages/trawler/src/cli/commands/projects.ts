// `trawler projects` and `trawler spiders PROJECT`: what is deployed.

import type { Command } from "commander";
import { clientFor } from "../options.ts";
import { localTime, table } from "../format.ts";

export function registerProjects(program: Command): void {
  program
    .command("projects")
    .description("list projects")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const projects = await clientFor(cmd).listProjects();
      if (opts.json) return void process.stdout.write(JSON.stringify(projects, null, 2) + "\n");
      if (projects.length === 0)
        return void process.stdout.write("no projects yet — deploy one with `trawler deploy DIR`\n");
      process.stdout.write(
        table(
          ["id", "name", "version", "pending", "running", "created"],
          projects.map((p) => [
            String(p.id),
            p.name,
            p.currentVersion === null ? "-" : String(p.currentVersion),
            String(p.pending ?? 0),
            String(p.running ?? 0),
            localTime(p.createdAt),
          ]),
        ),
      );
    });

  program
    .command("spiders")
    .description("list the spiders of a project's current version")
    .argument("<project>", "project name or id")
    .option("--json", "print JSON")
    .action(async (project: string, opts: { json?: boolean }, cmd: Command) => {
      const spiders = await clientFor(cmd).listSpiders(project);
      if (opts.json) return void process.stdout.write(JSON.stringify(spiders, null, 2) + "\n");
      if (spiders.length === 0) return void process.stdout.write(`project ${project} has no spiders\n`);
      process.stdout.write(
        table(
          ["id", "name", "runtime", "last job"],
          spiders.map((s) => [String(s.id), s.name, s.runtime, s.lastJob ?? "-"]),
        ),
      );
    });
}
