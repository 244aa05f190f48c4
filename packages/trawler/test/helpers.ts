// Test helpers: run the real `trawler` executable as a child process, and write the small
// `hello` project (a command spider following the process contract) used by the end-to-end tests.

import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/trawler.mjs", import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The CLI's environment without the caller's TRAWLER_* settings, so the host cannot change results. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TRAWLER_")) env[k] = v;
  return { ...env, ...extra };
}

export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: cleanEnv(opts.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    // Generous: several engineers share two cores, and a loaded machine makes tsx start slowly.
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 50_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `trawler-cli-${prefix}-`));
}

export const HELLO_ITEMS = 5;

/**
 * A project with one command spider, `hello`: writes HELLO_ITEMS items (one with a newline,
 * a comma and quotes inside, to exercise CSV quoting) and a WARNING log line to the channel,
 * then one line on stdout, which the worker keeps as an INFO log line.
 */
export async function writeHelloProject(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(
    path.join(dir, "trawler.json"),
    JSON.stringify({ spiders: { hello: { command: ["node", "hello.mjs"] } } }),
  );
  await fs.writeFile(
    path.join(dir, "hello.mjs"),
    `import fs from "node:fs";
const args = JSON.parse(process.env.TRAWLER_ARGS ?? "{}");
const fd = fs.openSync(process.env.TRAWLER_FIFO, "w");
for (let i = 0; i < ${HELLO_ITEMS}; i++) {
  const item = { n: i, name: "item " + i, greeting: args.greeting ?? null, note: i === 2 ? 'two\\nlines, "quoted"' : "plain" };
  fs.writeSync(fd, "ITM " + JSON.stringify(item) + "\\n");
}
fs.writeSync(fd, "LOG " + JSON.stringify({ time: Date.now(), level: 30, message: "hello warns " + (args.greeting ?? "") }) + "\\n");
fs.closeSync(fd);
console.log("hello from stdout");
`,
  );
}
