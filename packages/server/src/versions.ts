// Deploying a project version: unpack (archive) or copy (directory) into a fresh folder under
// the data directory, discover its spiders, then record it in one transaction. A failure at
// any step removes the folder and leaves the previous version current.

import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import type { Config } from "./config.ts";
import type { Store } from "./store/database.ts";
import { recordVersion, type ProjectRow, type VersionSpider } from "./store/projects.ts";
import { extractArchive } from "./deploy/archive.ts";
import { copyProjectDirectory } from "./deploy/copyDirectory.ts";
import { packProjectDirectory } from "./deploy/packDirectory.ts";
import { buffer } from "node:stream/consumers";
import { discoverSpiders } from "./deploy/discover.ts";
import { tooLarge } from "./errors.ts";

function versionsDir(config: Config, projectId: number): string {
  return path.join(config.dataDir, "projects", String(projectId), "versions");
}

export async function deployArchive(store: Store, config: Config, project: ProjectRow, upload: Readable, label?: string) {
  const base = versionsDir(config, project.id);
  fs.mkdirSync(base, { recursive: true });
  const archive = path.join(base, `.upload-${randomUUID()}`);
  try {
    await pipeline(upload, limitBytes(config.maxUploadBytes), fs.createWriteStream(archive));
    return await deployFrom(store, config, project, label, async (dir) => ({
      ...(await extractArchive(archive, dir, { maxBytes: config.maxArchiveBytes })),
      archive: await fs.promises.readFile(archive),
    }));
  } finally {
    fs.rmSync(archive, { force: true });
  }
}

export async function deployDirectory(store: Store, config: Config, project: ProjectRow, source: string, label?: string) {
  return deployFrom(store, config, project, label, async (dir) => {
    const copied = await copyProjectDirectory(source, dir, { maxBytes: config.maxArchiveBytes });
    return { ...copied, archive: await buffer(packProjectDirectory(dir)) };
  });
}

async function deployFrom(
  store: Store,
  config: Config,
  project: ProjectRow,
  label: string | undefined,
  fill: (dir: string) => Promise<{ bytes: number; sha256: string; archive: Buffer }>,
) {
  const dir = path.join(versionsDir(config, project.id), randomUUID());
  fs.mkdirSync(dir, { recursive: true });
  try {
    const filled = await fill(dir);
    const found = await discoverSpiders(dir);
    const spiders: VersionSpider[] = found.spiders.map((s) => ({
      name: s.name,
      runtime: s.runtime,
      entry: { file: s.file, command: s.command, env: s.env },
    }));
    const version = await recordVersion(store, {
      projectId: project.id,
      label: label ?? new Date().toISOString(),
      sha256: filled.sha256,
      size: filled.bytes,
      archive: filled.archive,
      path: dir,
      spiders,
    });
    return { ...version, spiders: spiders.map((s) => s.name), warnings: found.warnings };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) return done(tooLarge("upload_too_large", `The upload is larger than ${max} bytes (TRAWLER_MAX_UPLOAD_BYTES)`));
      done(null, chunk);
    },
  });
}
