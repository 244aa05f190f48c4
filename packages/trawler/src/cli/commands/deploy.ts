// `trawler deploy DIR [--project NAME] [--label L]`: packs DIR as a .tar.gz and uploads it as
// the project's new version, creating the project on first deploy.

import fs from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { ApiError, UsageError } from "../errors.ts";
import { clientFor } from "../options.ts";

interface DeployOptions {
  project?: string;
  label?: string;
}

/** `trawler.json`'s `name`, else the directory's name. */
async function projectName(dir: string): Promise<string> {
  const manifest = path.join(dir, "trawler.json");
  let text: string;
  try {
    text = await fs.readFile(manifest, "utf8");
  } catch {
    return path.basename(dir);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${manifest} is not valid JSON: ${(err as Error).message}`);
  }
  const name = (parsed as { name?: unknown } | null)?.name;
  return typeof name === "string" && name !== "" ? name : path.basename(dir);
}

export function registerDeploy(program: Command): void {
  program
    .command("deploy")
    .description("deploy a project directory as a new version")
    .argument("[dir]", "project directory", ".")
    .option("--project <name>", "project name (default: trawler.json's name, else the directory's name)")
    .option("--label <label>", "a label for this version, e.g. a git commit")
    .action(async (dirArg: string, opts: DeployOptions, cmd: Command) => {
      const dir = path.resolve(dirArg);
      const stat = await fs.stat(dir).catch(() => undefined);
      if (!stat?.isDirectory()) throw new UsageError(`${dirArg} is not a directory`);
      const client = clientFor(cmd);
      const project = opts.project ?? (await projectName(dir));
      try {
        await client.createProject(project);
        process.stderr.write(`created project ${project}\n`);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === "project_exists")) throw err;
      }
      // The server package is large; only deploy needs its packer.
      const { packProjectDirectory } = await import("@trawler/server/pack");
      const archive = packProjectDirectory(dir);
      let packError: Error | undefined;
      archive.once("error", (err) => (packError = err));
      let version;
      try {
        version = await client.deployVersion(project, archive, opts.label);
      } catch (err) {
        // A project the packer refuses (an escaping link, too large) is the user's to fix.
        if (packError && err === packError) throw new UsageError(`cannot pack ${dirArg}: ${packError.message}`);
        throw err;
      }
      process.stdout.write(`deployed ${project} version ${version.id}${version.label ? ` (${version.label})` : ""}\n`);
      process.stdout.write(version.spiders.length ? `spiders: ${version.spiders.join(", ")}\n` : "no spiders found\n");
      for (const warning of version.warnings ?? []) process.stderr.write(`warning: ${warning}\n`);
    });
}
