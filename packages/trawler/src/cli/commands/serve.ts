// `trawler serve`: the HTTP API, dashboard and embedded worker in this process.
// First SIGINT/SIGTERM drains (running spiders stop gracefully, the database closes last);
// a second one exits at once.

import type { Command } from "commander";
import { ConfigError } from "../errors.ts";

interface ServeOptions {
  host?: string;
  port?: string;
  dataDir?: string;
  databaseUrl?: string;
  slots?: string;
  demo?: boolean;
}

// Flags are parsed by the server's own setting table so `--port x` and `TRAWLER_PORT=x`
// are refused with the same rule; commander only collects the raw strings.
const FLAG_SETTINGS = {
  host: "--host",
  port: "--port",
  dataDir: "--data-dir",
  databaseUrl: "--database-url",
  slots: "--slots",
} as const;

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("start the Trawler server (API, dashboard and a worker)")
    .option("--host <host>", "address to listen on (env TRAWLER_HOST, default 127.0.0.1)")
    .option("--port <port>", "HTTP port (env TRAWLER_PORT, default 6800)")
    .option("--data-dir <dir>", "data directory (env TRAWLER_DATA_DIR, default ./trawler-data)")
    .option("--database-url <url>", "PostgreSQL URL (env TRAWLER_DATABASE_URL, default SQLite in the data directory)")
    .option("--slots <n>", "jobs run at once on this node (env TRAWLER_SLOTS)")
    .option("--demo", "deploy the demo project and serve the demo shop site")
    .action(async (opts: ServeOptions) => {
      const { loadConfig, startServer, SETTINGS, StartupError } = await import("@trawler/server");
      const overrides: Record<string, unknown> = {};
      for (const [key, flag] of Object.entries(FLAG_SETTINGS) as [keyof typeof FLAG_SETTINGS, string][]) {
        const raw = opts[key];
        if (raw === undefined) continue;
        try {
          overrides[key] = SETTINGS[key].parse(raw);
        } catch (err) {
          throw new ConfigError(`invalid ${flag} ${JSON.stringify(raw)}: ${(err as Error).message}`);
        }
      }
      if (opts.demo) overrides.demo = true;
      let config;
      try {
        config = loadConfig(overrides);
      } catch (err) {
        throw new ConfigError((err as Error).message);
      }
      let server;
      try {
        server = await startServer(config);
      } catch (err) {
        if (err instanceof StartupError) throw new ConfigError(err.message);
        throw err;
      }

      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        if (++signals > 1) {
          process.stderr.write(`${signal} again: exiting without waiting\n`);
          process.exit(1);
        }
        process.stderr.write(`${signal}: stopping (send it again to exit at once)\n`);
        server.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      process.stdout.write(`Trawler is running at ${server.url}${config.demo ? " (demo project deployed)" : ""}\n`);
    });
}
