// The `trawler/sdk` export: what spiders import.
export * from "@trawler/sdk";
