// Hand-written tar and zip builders, so tests can craft archives no well-behaved tool
// would produce: traversal names, links, devices, lying size fields.

import { crc32, deflateRawSync, gzipSync } from "node:zlib";

export interface TarEntrySpec {
  name: string;
  /** Tar typeflag: "0" file, "1" hard link, "2" symlink, "3" char device, "5" directory, "6" FIFO. */
  type?: string;
  data?: Buffer | string;
  mode?: number;
  linkname?: string;
  /** Declared size, when it should differ from the data (defaults to the data's length). */
  size?: number;
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  Buffer.from(value, "latin1").copy(block, offset, 0, length);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

/** One header block (with a valid checksum) followed by the padded data. */
export function tarEntry(spec: TarEntrySpec): Buffer {
  const data = Buffer.from(spec.data ?? "");
  const size = spec.size ?? data.length;
  const header = Buffer.alloc(512);
  writeString(header, 0, 100, spec.name);
  writeOctal(header, 100, 8, spec.mode ?? 0o644);
  writeOctal(header, 108, 8, 1000);
  writeOctal(header, 116, 8, 1000);
  if (size < 0o77777777777) {
    writeOctal(header, 124, 12, size);
  } else {
    // GNU base-256 for sizes over 8 GiB: high bit set, big-endian in the remaining bytes.
    header[124] = 0x80;
    header.writeBigUInt64BE(BigInt(size), 128);
  }
  writeOctal(header, 136, 12, 1_700_000_000);
  header.write(spec.type ?? "0", 156, "latin1");
  writeString(header, 157, 100, spec.linkname ?? "");
  writeString(header, 257, 6, "ustar\0");
  writeString(header, 263, 2, "00");
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  writeString(header, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding]);
}

/** A pax extended header giving the next entry a path of any length. */
export function paxPathEntry(path: string): Buffer {
  const body = ` path=${path}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length += 1;
  return tarEntry({ name: "PaxHeader", type: "x", data: `${length}${body}` });
}

export function tar(entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(1024)]);
}

export const tarGz = (entries: Buffer[]): Buffer => gzipSync(tar(entries));

export interface ZipEntrySpec {
  name: string;
  data?: Buffer | string;
  /** Unix st_mode, stored in the high half of the external attributes. */
  mode?: number;
  deflate?: boolean;
  /** Uncompressed size to declare, when it should lie about the data. */
  declaredSize?: number;
}

export function zip(specs: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of specs) {
    const name = Buffer.from(spec.name, "utf8");
    const data = Buffer.from(spec.data ?? "");
    const stored = spec.deflate ? deflateRawSync(data) : data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(spec.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(spec.declaredSize ?? data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(spec.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(spec.declaredSize ?? data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((spec.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(specs.length, 8);
  end.writeUInt16LE(specs.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
