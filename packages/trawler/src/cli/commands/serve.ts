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

type ServerPackage = typeof import("@trawler/server");

/** The configuration from flags (checked by the server's own parsers), then environment, then defaults. */
function configFrom(server: ServerPackage, opts: ServeOptions) {
  const overrides: Record<string, unknown> = {};
  for (const [key, flag] of Object.entries(FLAG_SETTINGS) as [keyof typeof FLAG_SETTINGS, string][]) {
    const raw = opts[key];
    if (raw === undefined) continue;
    try {
      overrides[key] = server.SETTINGS[key].parse(raw);
    } catch (err) {
      throw new ConfigError(`invalid ${flag} ${JSON.stringify(raw)}: ${(err as Error).message}`);
    }
  }
  if (opts.demo) overrides.demo = true;
  try {
    return server.loadConfig(overrides);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** First SIGINT/SIGTERM: drain and exit 0; a second one: exit at once. */
function stopOnSignals(close: () => Promise<void>): void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(1);
    }
    process.stderr.write(`${signal}: stopping (send it again to exit at once)\n`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

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
      const server = await import("@trawler/server");
      const config = configFrom(server, opts);
      let running;
      try {
        running = await server.startServer(config);
      } catch (err) {
        if (err instanceof server.StartupError) throw new ConfigError(err.message);
        throw err;
      }
      stopOnSignals(() => running.close());
      process.stdout.write(`Trawler is running at ${running.url}${config.demo ? " (demo project deployed)" : ""}\n`);
    });

  program
    .command("worker")
    .description("run jobs only (no API): another machine sharing a PostgreSQL database with `trawler serve`")
    .option("--data-dir <dir>", "this node's job directories (env TRAWLER_DATA_DIR, default ./trawler-data)")
    .option("--database-url <url>", "the shared PostgreSQL URL (env TRAWLER_DATABASE_URL)")
    .option("--slots <n>", "jobs run at once on this node (env TRAWLER_SLOTS)")
    .action(async (opts: ServeOptions) => {
      const server = await import("@trawler/server");
      const config = configFrom(server, opts);
      if (!config.databaseUrl)
        throw new ConfigError("a worker shares its database with a server: give --database-url or TRAWLER_DATABASE_URL (postgres://…)");
      const running = await server.startWorker(config);
      stopOnSignals(() => running.close());
      process.stdout.write(`Trawler worker ${running.worker.nodeId} is running (${config.slots} slots)\n`);
    });
}
