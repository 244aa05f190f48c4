// Export back-pressure: wait for the socket to take what is queued, and stop when the client
// goes away instead of waiting for a "drain" that a closed stream never emits.

import { Writable } from "node:stream";
import { expect, it } from "vitest";
import { ClientGone, drained } from "../src/export/drained.ts";

/** A stream that takes nothing until told to, like a client that stopped reading. */
function stalled(): { out: Writable; release: () => void } {
  const pending: (() => void)[] = [];
  const out = new Writable({
    highWaterMark: 16,
    write(_chunk, _enc, cb) {
      pending.push(() => cb());
    },
  });
  const release = () => {
    for (const cb of pending.splice(0)) cb();
  };
  return { out, release };
}

it("resolves at once when nothing waits, and on drain when the buffer was full", async () => {
  const { out, release } = stalled();
  await drained(out);
  out.write("x".repeat(64));
  expect(out.writableNeedDrain).toBe(true);
  let done = false;
  const waiting = drained(out).then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  expect(done).toBe(false);
  release();
  await waiting;
  expect(done).toBe(true);
});

it("rejects with ClientGone when the stream closes while it waits, or is already closed", async () => {
  const { out } = stalled();
  out.write("x".repeat(64));
  const waiting = drained(out);
  out.destroy();
  await expect(waiting).rejects.toBeInstanceOf(ClientGone);
  await expect(drained(out)).rejects.toBeInstanceOf(ClientGone);
});
