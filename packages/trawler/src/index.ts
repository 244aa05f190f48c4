// The `trawler` package's programmatic entry: the HTTP client the CLI uses, for scripts that
// drive a Trawler server from Node. Spiders import `trawler/sdk` instead.
export {
  ApiClient,
  jobPath,
  type Job,
  type JobFilters,
  type LogLine,
  type Project,
  type ScheduleRequest,
  type Spider,
  type Version,
} from "./cli/client.ts";
export { ApiError, ServerUnreachableError } from "./cli/errors.ts";
export { readSse, type SseEvent } from "./cli/sse.ts";
export { main } from "./cli/main.ts";
