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

export interface AckWriter {
  path: string;
  /** Says that the first `lines` channel lines are committed. */
  ack(lines: number): void;
  close(): void;
}

/**
 * The worker → spider acknowledgement pipe. Acks are cumulative, so when the spider reads
 * slowly (or not at all) only the latest is kept for later: nothing grows without bound.
 */
export function openAckWriter(path: string): AckWriter {
  const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  const socket = new net.Socket({ fd, readable: false, writable: true });
  socket.on("error", () => undefined);
  let sent = 0;
  let pending = 0;
  const send = () => {
    if (pending <= sent || socket.destroyed) return;
    sent = pending;
    socket.write(`ACK ${sent}\n`);
  };
  socket.on("drain", send);
  return {
    path,
    ack(lines) {
      pending = Math.max(pending, lines);
      if (socket.writableLength === 0) send();
    },
    close() {
      socket.destroy();
      fs.rmSync(path, { force: true });
    },
  };
}
