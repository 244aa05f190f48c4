// Where a node finds a version's files: the folder it was deployed into when this node holds
// it (the server that took the upload), else a local copy unpacked from the archive kept in
// the database — once, atomically, then reused by every later job of that version.

import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { Store } from "../store/database.ts";
import { extractArchive } from "../deploy/archive.ts";

const unpacking = new Map<number, Promise<string>>();

export async function versionDir(store: Store, dataDir: string, versionId: number, deployedPath: string): Promise<string> {
  if (fs.existsSync(deployedPath)) return deployedPath;
  const local = path.join(dataDir, "versions", String(versionId));
  if (fs.existsSync(local)) return local;
  let pending = unpacking.get(versionId);
  if (!pending) {
    pending = unpack(store, versionId, local).finally(() => unpacking.delete(versionId));
    unpacking.set(versionId, pending);
  }
  return pending;
}

async function unpack(store: Store, versionId: number, target: string): Promise<string> {
  const row = await store.db.selectFrom("versions").select("archive").where("id", "=", versionId).executeTakeFirst();
  if (!row?.archive) throw new Error(`Version ${versionId} is not on this node and the database holds no archive of it`);
  const tmp = `${target}.tmp-${randomUUID()}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await extractArchive(Readable.from([Buffer.from(row.archive)]), tmp);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return target;
}
