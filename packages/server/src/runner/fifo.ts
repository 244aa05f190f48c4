// The spider's message channel is a named pipe (Scrapy Cloud's SHUB_FIFO_PATH). The worker
// opens it read-write: on Linux that never blocks, even before the spider opens its end, and
// the worker's own write end lets it mark "everything the spider wrote has been read" with a
// marker line once the spider has exited (a pipe is FIFO), instead of waiting for an EOF that
// a lingering grandchild holding the pipe open would delay forever.

import { randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";

export interface FifoChannel {
  path: string;
  socket: net.Socket;
  /** A line that only the worker writes; reading it means everything before it was read. */
  marker: string;
  writeMarker(): void;
  close(): void;
}

/** Opens a named pipe made by the FifoPool; closing the channel removes it. */
export function openFifoChannel(path: string): FifoChannel {
  const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  const socket = new net.Socket({ fd, readable: true, writable: true });
  socket.on("error", () => undefined);
  const marker = `__trawler_channel_drained_${randomUUID()}__`;
  return {
    path,
    socket,
    marker,
    // The leading newline ends any half-written line the spider left behind.
    writeMarker: () => void socket.write(`\n${marker}\n`),
    close: () => {
      socket.destroy();
      fs.rmSync(path, { force: true });
    },
  };
}
