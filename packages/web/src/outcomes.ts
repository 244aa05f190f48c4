// What each job outcome means, in the words of Scrapy Cloud's documentation (seed 001), adapted
// to Trawler's limits (DESIGN.md): shown on the job page and as tooltips in job tables.

const MEANINGS: Record<string, string> = {
  finished: "The job finished successfully. However, it may have produced errors, which you can inspect through the logs.",
  failed: "The job failed to start, typically due to a bug in the spider's code. Check the last lines of the job log for more information.",
  cancelled:
    "The job was cancelled from the dashboard, the API or by the system if it got inactive and failed to produce anything (not even log entries) for an hour.",
  "cancelled (time limit)": "The job was cancelled because it exceeded the time limit set for it.",
  "cancelled (stalled)": "The job was cancelled because it was in running state but wasn't producing any logs, requests or items for 1 hour.",
  cancel_timeout: "The job has failed to shutdown gracefully after cancellation (taking more than 5 minutes).",
  shutdown:
    "The spider was cancelled prematurely, typically from code. shutdown is the default close reason (outcome) used by Scrapy for such cases. It is what you get, for example, when you cancel a Scrapy spider pressing Ctrl-C.",
  memusage_exceeded:
    "The job was consuming too much memory, exceeding the limit (1 GiB by default), and it was cancelled by the system. This typically happens with spiders that don't use memory efficiently (keeping state or references that grow quickly over time).",
  "killed by oom":
    "The job was killed because it tried to consume more memory than was available to the process, growing too fast for a graceful memusage_exceeded stop.",
  banned: "The job was terminated because the spider got banned from the target website.",
  slybot_fewitems_scraped: "The job was cancelled because it wasn't scraping enough items.",
  project_deleted: "The job was killed because its project was deleted.",
  node_lost: "The node running the job stopped answering and its lease ran out; the job was ended by the system.",
  no_reason: "The job finished but did not set an outcome explicitly.",
};

export function outcomeMeaning(outcome: string | null): string {
  if (outcome === null) return "The job has not finished yet.";
  const known = MEANINGS[outcome];
  if (known) return known;
  if (outcome.startsWith("closespider_"))
    return "Set by the CloseSpider extension: the job reached one of its configured limits (error count, page count, timeout or item count).";
  return "A close reason set by the spider itself.";
}

export function outcomeColor(outcome: string | null): string {
  if (outcome === null) return "gray";
  if (outcome === "finished") return "green";
  if (outcome === "failed" || outcome === "killed by oom" || outcome === "memusage_exceeded" || outcome === "node_lost") return "red";
  if (outcome.startsWith("cancel") || outcome === "shutdown") return "orange";
  return "yellow";
}

export const STATE_COLORS: Record<string, string> = { pending: "gray", running: "blue", paused: "violet", finished: "teal" };
