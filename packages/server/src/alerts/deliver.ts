// One pass of the webhook delivery loop: claim due deliveries, POST each payload as JSON to its
// webhook, record the attempt. Requests go through node:http with `guardedLookup`, so the SSRF
// check applies to the address actually connected to, and redirects are never followed.

import http from "node:http";
import https from "node:https";
import net from "node:net";
import { createHmac } from "node:crypto";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Store } from "../store/database.ts";
import { claimDeliveries, recordAttempt, type AttemptResult } from "./claimDeliveries.ts";
import { guardedLookup, isForbiddenAddress } from "./destination.ts";

const BATCH = 20;
export const WEBHOOK_TIMEOUT_MS = 10_000;
const LEASE_MS = 3 * WEBHOOK_TIMEOUT_MS;
const USER_AGENT = "Trawler-Webhook/0.1";

export async function deliveryTick(store: Store, config: Config, log: Logger): Promise<number> {
  const claimed = await claimDeliveries(store, BATCH, LEASE_MS);
  if (claimed.length === 0) return 0;
  const hooks = await store.db
    .selectFrom("webhooks")
    .select(["id", "url", "secret"])
    .where("id", "in", [...new Set(claimed.map((d) => d.webhook_id))])
    .execute();
  const byId = new Map(hooks.map((h) => [h.id, h]));
  await Promise.all(
    claimed.map(async (d) => {
      const hook = byId.get(d.webhook_id);
      // A webhook deleted mid-pass takes its deliveries with it (cascade); nothing to send.
      if (!hook) return;
      const result = await post(hook.url, hook.secret, d.payload, { event: d.event, delivery: d.id }, config.allowPrivateWebhooks);
      const current = await recordAttempt(store, d, result, { retryBaseMs: config.webhookRetryBaseMs, maxAttempts: config.webhookMaxAttempts });
      if (result.error || (result.status !== null && result.status >= 300))
        log.warn({ webhook: hook.id, delivery: d.id, attempt: d.attempts, status: result.status, error: result.error }, "webhook delivery failed");
      if (!current) log.warn({ delivery: d.id }, "webhook attempt recorded too late; another server retried it");
    }),
  );
  return claimed.length;
}

function post(
  rawUrl: string,
  secret: string | null,
  body: string,
  meta: { event: string; delivery: number },
  allowPrivate: boolean,
): Promise<AttemptResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null): AttemptResult => ({
    status,
    error,
    durationMs: Math.round(performance.now() - started),
  });
  const url = new URL(rawUrl);
  // An IP literal never goes through `lookup`, so it is checked here (the setting may have
  // been turned off since the webhook was saved).
  const literal = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && net.isIP(literal) && isForbiddenAddress(literal))
    return Promise.resolve(done(null, `forbidden_destination: ${literal} is a loopback, private or link-local address`));
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "user-agent": USER_AGENT,
      "x-trawler-event": meta.event,
      "x-trawler-delivery": String(meta.delivery),
    };
    // Receivers verify the sender with HMAC-SHA256 of the exact body (GitHub's scheme).
    if (secret) headers["x-trawler-signature"] = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    const req = (url.protocol === "https:" ? https : http).request(url, {
      method: "POST",
      headers,
      lookup: guardedLookup(allowPrivate) as unknown as http.RequestOptions["lookup"],
      timeout: WEBHOOK_TIMEOUT_MS,
      agent: false,
    });
    req.on("response", (res) => {
      // Only the status matters; the body is dropped unread so a chatty receiver costs nothing.
      resolve(done(res.statusCode ?? null, null));
      res.destroy();
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code && !err.message.includes(err.code) ? `${err.code}: ` : "";
      resolve(done(null, `${code}${err.message}`.slice(0, 500)));
    });
    req.end(body);
  });
}
