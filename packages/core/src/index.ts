export * from "./jobs.ts";
export * from "./names.ts";
export * from "./protocol.ts";
export * from "./contract.ts";
export type * from "./api.ts";
