// Starts the deterministic shop site on a free port.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface BenchSite {
  url: string;
  served(): Promise<number>;
  reset(): Promise<void>;
  stop(): void;
}

export async function startSite(script: string, pages: number, latencyMs: number): Promise<BenchSite> {
  const child = spawn(
    process.execPath,
    [script, "--port", "0", "--pages", String(pages), "--latency-ms", String(latencyMs)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", (l) => resolve((JSON.parse(l) as { port: number }).port));
    child.once("exit", (c) => reject(new Error(`site exited with ${c}`)));
  });
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    served: async () => ((await (await fetch(`${url}__stats`)).json()) as { served: number }).served,
    reset: async () => void (await (await fetch(`${url}__reset`)).text()),
    stop: () => void child.kill("SIGTERM"),
  };
}
