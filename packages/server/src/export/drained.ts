// Back-pressure for an export written to an HTTP response: wait until the socket has taken what
// is queued, and stop if the client goes away (a closed response never emits "drain", and an
// export waiting for it would hold its reads and buffers forever).

import type { Writable } from "node:stream";

export class ClientGone extends Error {
  constructor() {
    super("the client closed the connection");
  }
}

export function drained(out: Writable): Promise<void> {
  if (out.destroyed || out.closed) return Promise.reject(new ClientGone());
  // Only a write that found the buffer full is followed by "drain".
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      out.off("drain", onDrain);
      out.off("close", onClose);
      out.off("error", settle);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new ClientGone());
    out.on("drain", onDrain);
    out.on("close", onClose);
    out.on("error", settle);
  });
}
