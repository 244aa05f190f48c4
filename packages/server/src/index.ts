export { loadConfig, SETTINGS, type Config } from "./config.ts";
export { startServer, StartupError, type RunningServer } from "./server.ts";
export { startWorker, type RunningWorker } from "./workerProcess.ts";
export { openStore, type Store } from "./store/database.ts";
export { packProjectDirectory } from "./deploy/packDirectory.ts";
