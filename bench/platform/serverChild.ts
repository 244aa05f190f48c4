// The Trawler server under test, as its own process (so its memory can be read from /proc and
// its CPU profiled): configured from the environment like `trawler serve`, plus BENCH_PG_SCHEMA
// for a throw-away PostgreSQL schema. Prints one `{"ready":true,"url":…}` line on stdout.
import { loadConfig, startServer } from "../../packages/server/src/index.ts";

const schema = process.env.BENCH_PG_SCHEMA || undefined;
const server = await startServer(loadConfig(), schema ? { schema } : {});
process.stdout.write(JSON.stringify({ ready: true, url: server.url }) + "\n");
let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close(2000).then(() => process.exit(0));
  });
