// Lists the spiders of some files as one JSON line:
// {"spiders":[{"name","file","className"}],"errors":[{"file","message"}]}.
import { importSpiders } from "../discover.ts";

const spiders: Array<{ name: string; file: string; className: string }> = [];
const errors: Array<{ file: string; message: string }> = [];
for (const file of process.argv.slice(2)) {
  try {
    for (const s of await importSpiders(file)) spiders.push({ name: s.name, file, className: s.className });
  } catch (error) {
    errors.push({ file, message: error instanceof Error ? error.message : String(error) });
  }
}
process.stdout.write(`${JSON.stringify({ spiders, errors })}\n`, () => process.exit(0));
