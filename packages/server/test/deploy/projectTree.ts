// Writes and reads small project trees, so tests can compare what went in with what came out.

import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export type Tree = Record<string, string | Buffer>;

export async function writeTree(root: string, tree: Tree): Promise<void> {
  for (const [relative, content] of Object.entries(tree)) {
    const file = join(root, relative);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
    if (relative.endsWith(".sh")) await chmod(file, 0o755);
  }
}

/** Every regular file under root as relative path → content (as a Buffer). */
export async function readTree(root: string): Promise<Record<string, Buffer>> {
  const tree: Record<string, Buffer> = {};
  for (const name of (await readdir(root, { recursive: true })).sort()) {
    const file = join(root, name);
    if ((await stat(file)).isFile()) tree[name.split("\\").join("/")] = await readFile(file);
  }
  return tree;
}

export const sampleProject: Tree = {
  "trawler.json": JSON.stringify({ spiders: { books: { command: ["python3", "books.py"] } } }),
  "books.py": "print('ITM {}')\n",
  "run.sh": "#!/bin/sh\necho hi\n",
  "spiders/quotes.ts": "export class Quotes {}\n",
  "spiders/nested/deep/more.ts": "export {};\n",
  "data/blob.bin": Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)),
  "empty.txt": "",
};
