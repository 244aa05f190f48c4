// A temporary layout that makes escapes visible: base/ holds only parent/, which holds
// only dest/. Anything an archive manages to write beside them is a failed test.

import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { expect } from "vitest";
import { TrawlerError } from "../../src/errors.ts";

export interface Sandbox {
  base: string;
  parent: string;
  dest: string;
  /** Outside base: where test archives are stored before extraction. */
  store: string;
  cleanup(): Promise<void>;
}

export async function makeSandbox(): Promise<Sandbox> {
  const base = await mkdtemp(join(tmpdir(), "trawler-deploy-test-"));
  const store = await mkdtemp(join(tmpdir(), "trawler-deploy-store-"));
  const parent = join(base, "parent");
  const dest = join(parent, "dest");
  await mkdir(dest, { recursive: true });
  return {
    base,
    parent,
    dest,
    store,
    cleanup: async () => {
      await rm(base, { recursive: true, force: true });
      await rm(store, { recursive: true, force: true });
    },
  };
}

/** The archive as a file path or as a stream, so both kinds of source get exercised. */
export async function asSource(
  box: Sandbox,
  archive: Buffer,
  kind: "file" | "stream",
  fileName = "upload",
): Promise<string | Readable> {
  if (kind === "stream") return Readable.from([archive]);
  const file = join(box.store, fileName);
  await writeFile(file, archive);
  return file;
}

export async function expectTrawlerError(
  promise: Promise<unknown>,
  statusCode: number,
  code: string,
): Promise<TrawlerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TrawlerError);
  const trawlerError = error as TrawlerError;
  expect({ statusCode: trawlerError.statusCode, code: trawlerError.code }, trawlerError.message).toEqual({
    statusCode,
    code,
  });
  return trawlerError;
}

/** Nothing beside dest, nothing left inside it, no canary outside. */
export async function expectNothingEscaped(box: Sandbox): Promise<void> {
  expect(await readdir(box.base)).toEqual(["parent"]);
  expect(await readdir(box.parent)).toEqual(["dest"]);
  expect(await readdir(box.dest)).toEqual([]);
  for (const canary of [join(box.base, "x"), join(box.parent, "x"), "/abs", "/x"])
    expect(existsSync(canary), canary).toBe(false);
}

/** Sum of file sizes under dir (best effort while another task is writing into it). */
export async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  for (const name of names) {
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile()) total += info.size;
  }
  return total;
}
