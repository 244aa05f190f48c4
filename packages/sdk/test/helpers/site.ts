// Starts the deterministic shop site (fixtures/site.mjs, a copy of shared/bench/site.mjs).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const SITE_SCRIPT = fileURLToPath(new URL("../fixtures/site.mjs", import.meta.url));

export interface Site {
  url: string;
  served(): Promise<number>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSite(pages: number, latencyMs = 0): Promise<Site> {
  const child: ChildProcess = spawn(
    process.execPath,
    [SITE_SCRIPT, "--port", "0", "--pages", String(pages), "--latency-ms", String(latencyMs)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`site exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    served: async () => ((await (await fetch(`${url}__stats`)).json()) as { served: number }).served,
    reset: async () => void (await fetch(`${url}__reset`)).text(),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
