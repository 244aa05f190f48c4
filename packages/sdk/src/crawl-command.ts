// `trawler crawl FILE -a k=v -s K=V -o out.jsonl [--spider NAME]`: runs a spider standalone in
// a child process with the SDK loader, so TypeScript spiders run directly.
import { spawn } from "node:child_process";
import path from "node:path";
import { ENV } from "@trawler/core";
import { sdkScripts } from "@trawler/core/paths";

export const { register: REGISTER_PATH, runSpider: RUN_SPIDER_PATH, listSpiders: LIST_SPIDERS_PATH } = sdkScripts();

export interface CrawlCommandOptions {
  file: string;
  spider?: string;
  args: Record<string, string>;
  settings: Record<string, string>;
  /** Item file: .jsonl/.jl JSON lines (default), .json array, .csv. */
  output?: string;
  logLevel?: string;
}

/** Runs the spider and resolves with its exit code (0 when it closed, for any close reason). */
export function runCrawlCommand(opts: CrawlCommandOptions): Promise<number> {
  const settings: Record<string, string> = { ...opts.settings };
  if (opts.logLevel) settings.LOG_LEVEL = opts.logLevel;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [ENV.args]: JSON.stringify(opts.args),
    [ENV.settings]: JSON.stringify(settings),
  };
  delete env[ENV.fifo];
  delete env[ENV.jobDir];
  delete env[ENV.spider];
  if (opts.output) env.TRAWLER_SDK_OUTPUT = path.resolve(opts.output);
  const argv = ["--import", REGISTER_PATH, RUN_SPIDER_PATH, path.resolve(opts.file)];
  if (opts.spider) argv.push(opts.spider);
  // The child gets its own process group so that Ctrl-C reaches it once, through this process:
  // a second Ctrl-C is then a real second signal (stop now), not the terminal's echo of the first.
  const child = spawn(process.execPath, argv, { stdio: "inherit", env, detached: true });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  const onInt = forward("SIGINT");
  const onTerm = forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
    child.on("error", () => resolve(1));
  });
}
