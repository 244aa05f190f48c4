// SSRF guard for platform-initiated requests (RELIABILITY B20). A webhook may only reach public
// http(s) addresses: loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT,
// multicast and reserved ranges are refused. Names are checked when the webhook is saved AND
// at every connection through `guardedLookup`, which validates the exact addresses the socket
// will use — a DNS-rebinding name cannot pass the first check and then point inward.

import dns from "node:dns";
import net from "node:net";
import { badRequest, TrawlerError } from "../errors.ts";

const blocked = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(prefix, bits, "ipv4");
for (const [prefix, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(prefix, bits, "ipv6");

export function isForbiddenAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is checked against the IPv4 rules by BlockList itself.
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

const forbidden = (message: string) => badRequest("forbidden_destination", message);

/** Parses and checks a webhook URL; throws 400 `forbidden_destination` or `invalid_url`. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest("invalid_url", `Not a URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw forbidden(`Webhooks must use http or https, not ${url.protocol.replace(/:$/, "")}`);
  if (url.username || url.password) throw badRequest("invalid_url", "Put credentials in the webhook secret, not in the URL");
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) {
    if (isForbiddenAddress(host)) throw forbidden(`${host} is a loopback, private or link-local address`);
    return url;
  }
  let addresses: dns.LookupAddress[] = [];
  try {
    addresses = await dns.promises.lookup(host, { all: true });
  } catch {
    // A name that does not resolve today may tomorrow; guardedLookup checks it at delivery.
  }
  const bad = addresses.find((a) => isForbiddenAddress(a.address));
  if (bad) throw forbidden(`${host} resolves to ${bad.address}, a loopback, private or link-local address`);
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses forbidden addresses at connection time. */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "");
      const list = addresses;
      const bad = allowPrivate ? undefined : list.find((a) => isForbiddenAddress(a.address));
      if (bad) {
        const e = new TrawlerError(400, "forbidden_destination", `${hostname} resolves to ${bad.address}, a forbidden address`);
        return callback(Object.assign(e, { code: "forbidden_destination" }) as unknown as NodeJS.ErrnoException, "");
      }
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "");
      callback(null, first.address, first.family);
    });
  };
}
