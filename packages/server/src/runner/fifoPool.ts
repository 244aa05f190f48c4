// Named pipes made ahead of time, several per `mkfifo` call: creating one per job would add a
// process spawn to every job's start. Each pipe is used by one run and removed after it.

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const BATCH = 16;

export class FifoPool {
  private spare: string[] = [];
  private making: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  /** Removes pipes left by an earlier process (they may hold a dead run's bytes). */
  reset(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    fs.mkdirSync(this.dir, { recursive: true });
    this.spare = [];
  }

  async take(): Promise<string> {
    while (this.spare.length === 0) {
      this.making ??= this.make().finally(() => (this.making = undefined));
      await this.making;
    }
    return this.spare.pop()!;
  }

  private async make(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const paths = Array.from({ length: BATCH }, () => path.join(this.dir, `${randomUUID()}.fifo`));
    await run("mkfifo", ["-m", "600", ...paths]);
    this.spare.push(...paths);
  }
}
