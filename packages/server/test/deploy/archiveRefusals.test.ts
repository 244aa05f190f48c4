// B01, B02, B07 at file level: traversal, links, special files and bad names are
// refused with their own code, and nothing is written anywhere.

import { mkdir, symlink } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractArchive } from "../../src/deploy/archive.ts";
import { paxPathEntry, tarEntry, tarGz, zip } from "./archiveBuilders.ts";
import { asSource, expectNothingEscaped, expectTrawlerError, makeSandbox, type Sandbox } from "./sandbox.ts";

let box: Sandbox;
beforeEach(async () => {
  box = await makeSandbox();
});
afterEach(async () => {
  await box.cleanup();
});

async function expectRefused(archive: Buffer, statusCode: number, code: string, mention?: string): Promise<void> {
  for (const kind of ["file", "stream"] as const) {
    const error = await expectTrawlerError(
      extractArchive(await asSource(box, archive, kind), box.dest),
      statusCode,
      code,
    );
    if (mention !== undefined) expect(error.message).toContain(mention);
    await expectNothingEscaped(box);
  }
}

const ok = tarEntry({ name: "ok.txt", data: "fine" });
const traversalNames = ["../../x", "/abs", "////abs", "C:..\\x", "C:\\x", "a\\..\\..\\x", "a/../../x", "./../x"];

describe("tar.gz: entries outside the root", () => {
  for (const name of traversalNames) {
    it(`refuses ${JSON.stringify(name)}`, async () => {
      await expectRefused(
        tarGz([ok, tarEntry({ name, data: "pwned" })]),
        400,
        "archive_entry_outside_root",
        JSON.stringify(name),
      );
    });
  }

  it("refuses a traversal hidden in a pax long path", async () => {
    await expectRefused(
      tarGz([paxPathEntry(`${"a/".repeat(60)}${"../".repeat(70)}x`), tarEntry({ name: "short", data: "pwned" })]),
      400,
      "archive_entry_outside_root",
    );
  });

  it("refuses writing through a symlink already in the destination", async () => {
    const outside = join(box.base, "outside");
    await mkdir(outside);
    await symlink(outside, join(box.dest, "link"));
    const error = await expectTrawlerError(
      extractArchive(Readable.from([tarGz([tarEntry({ name: "link/x", data: "pwned" })])]), box.dest),
      400,
      "archive_entry_outside_root",
    );
    expect(error.message).toContain("link");
    expect(existsSync(join(outside, "x"))).toBe(false);
  });
});

describe("tar.gz: links and special files", () => {
  it("refuses a symlink to /etc", async () => {
    await expectRefused(
      tarGz([ok, tarEntry({ name: "etc", type: "2", linkname: "/etc" })]),
      400,
      "archive_link_refused",
      '"etc"',
    );
  });

  it("refuses a symlink followed by a file written through it", async () => {
    await expectRefused(
      tarGz([tarEntry({ name: "a", type: "2", linkname: "../.." }), tarEntry({ name: "a/x", data: "pwned" })]),
      400,
      "archive_link_refused",
    );
  });

  it("refuses a directory and a symlink of the same name", async () => {
    await expectRefused(
      tarGz([
        tarEntry({ name: "a/", type: "5", mode: 0o755 }),
        tarEntry({ name: "a", type: "2", linkname: "/tmp" }),
        tarEntry({ name: "a/x", data: "pwned" }),
      ]),
      400,
      "archive_link_refused",
    );
  });

  it("refuses a relative symlink that stays inside the root too", async () => {
    await expectRefused(
      tarGz([ok, tarEntry({ name: "alias.txt", type: "2", linkname: "ok.txt" })]),
      400,
      "archive_link_refused",
    );
  });

  it("refuses a hard link", async () => {
    await expectRefused(
      tarGz([ok, tarEntry({ name: "passwd", type: "1", linkname: "/etc/passwd" })]),
      400,
      "archive_link_refused",
      "hard link",
    );
  });

  for (const [type, label] of [
    ["3", "character device"],
    ["4", "block device"],
    ["6", "FIFO"],
  ] as const) {
    it(`refuses a ${label}`, async () => {
      await expectRefused(tarGz([ok, tarEntry({ name: "dev", type })]), 400, "archive_entry_type_refused", '"dev"');
    });
  }
});

describe("tar.gz: names", () => {
  it("refuses a path nested 500 deep", async () => {
    await expectRefused(
      tarGz([paxPathEntry(`${"d/".repeat(500)}f`), tarEntry({ name: "f", data: "x" })]),
      400,
      "archive_entry_name_refused",
    );
  });

  it("refuses a 10 KB path", async () => {
    await expectRefused(
      tarGz([paxPathEntry("n".repeat(10 * 1024)), tarEntry({ name: "f", data: "x" })]),
      400,
      "archive_entry_name_refused",
    );
  });

  it("refuses a control character in a name", async () => {
    await expectRefused(tarGz([tarEntry({ name: "evil\nname", data: "x" })]), 400, "archive_entry_name_refused");
  });
});

describe("zip: the same refusals", () => {
  for (const name of traversalNames) {
    it(`refuses ${JSON.stringify(name)}`, async () => {
      await expectRefused(
        zip([
          { name: "ok.txt", data: "fine" },
          { name, data: "pwned" },
        ]),
        400,
        "archive_entry_outside_root",
      );
    });
  }

  it("refuses a symlink", async () => {
    await expectRefused(zip([{ name: "etc", data: "/etc", mode: 0o120777 }]), 400, "archive_link_refused", '"etc"');
  });

  it("refuses a FIFO and a character device", async () => {
    await expectRefused(zip([{ name: "fifo", mode: 0o010644 }]), 400, "archive_entry_type_refused");
    await expectRefused(zip([{ name: "tty", mode: 0o020644 }]), 400, "archive_entry_type_refused");
  });

  it("refuses a NUL in a name", async () => {
    await expectRefused(zip([{ name: "ok.txt\0../../x", data: "x" }]), 400, "archive_entry_name_refused");
  });
});
