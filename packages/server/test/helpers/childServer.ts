// A Trawler server as a real child process, to kill it with SIGKILL or SIGTERM in fault tests.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import * as tar from "tar";

export interface ChildServer {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  api<T = unknown>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function startChildServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "serverProcess.ts")], {
    env: { ...process.env, TRAWLER_PORT: "0", TRAWLER_DATA_DIR: dataDir, TRAWLER_LOG_LEVEL: "warn", TRAWLER_DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const first = await Promise.race([
    new Promise<string>((resolve) => {
      // The server's own log (pino) shares stdout: wait for the ready line.
      const rl = readline.createInterface({ input: child.stdout! });
      rl.on("line", (line) => {
        if (line.includes('"ready":true')) resolve(line);
      });
    }),
    exited.then((code) => {
      throw new Error(`server exited with ${code} before it was ready`);
    }),
  ]);
  const url = (JSON.parse(first) as { url: string }).url;
  const api = async <T>(method: string, p: string, body?: unknown) => {
    const res = await fetch(url + p, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return { child, url, exited, api };
}

export async function uploadProject(server: ChildServer, name: string, dir: string): Promise<void> {
  await server.api("POST", "/api/v1/projects", { name });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "trawler-pack-")), "p.tar.gz");
  await tar.c({ gzip: true, file, cwd: dir }, ["."]);
  const res = await fetch(`${server.url}/api/v1/projects/${name}/versions`, {
    method: "POST",
    headers: { "content-type": "application/gzip" },
    body: fs.readFileSync(file),
  });
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (res.status !== 201) throw new Error(`deploy failed: ${await res.text()}`);
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
