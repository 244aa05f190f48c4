// Runs a Trawler server as a real child process (for measuring its memory or killing it).
// Configuration comes from the environment, as in production.
import { loadConfig } from "../../src/config.ts";
import { startServer } from "../../src/server.ts";

const server = await startServer(loadConfig());
process.stdout.write(JSON.stringify({ ready: true, url: server.url }) + "\n");
let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
