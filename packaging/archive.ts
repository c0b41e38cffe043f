/**
 * @module packaging/archive
 * The release step's packers: a one-directory-free `.tar.gz` (ustar) and a `.zip` (deflate)
 * holding a single executable, plus SHA-256 helpers. Written here (a few dozen lines each)
 * so that a release needs no `tar`/`zip` on the build machine and gives the same bytes for
 * the same inputs: owner 0/0, fixed mode 0755, the given mtime.
 */
import { createHash } from "node:crypto";
import { deflateRawSync, gzipSync } from "node:zlib";

/** One file to pack: its name inside the archive and its bytes (always mode 0755). */
export interface ArchiveEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

const encoder = new TextEncoder();

/** Write `value` as a NUL-terminated, zero-padded octal field of `width` bytes. */
function octal(header: Uint8Array, offset: number, width: number, value: number): void {
  const text = value.toString(8).padStart(width - 1, "0");
  if (text.length > width - 1) throw new Error(`tar: value ${value} does not fit a ${width}-byte field`);
  header.set(encoder.encode(text), offset);
  header[offset + width - 1] = 0;
}

function ustarHeader(name: string, size: number, mtime: number): Uint8Array {
  const nameBytes = encoder.encode(name);
  if (nameBytes.length > 100) throw new Error(`tar: name too long: ${name}`);
  const h = new Uint8Array(512);
  h.set(nameBytes, 0);
  octal(h, 100, 8, 0o755); // mode
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h[156] = 0x30; // typeflag '0': regular file
  h.set(encoder.encode("ustar\0"), 257);
  h.set(encoder.encode("00"), 263);
  h.set(encoder.encode("root"), 265); // uname
  h.set(encoder.encode("root"), 297); // gname
  let sum = 0;
  for (const b of h) sum += b;
  h.set(encoder.encode(sum.toString(8).padStart(6, "0")), 148);
  h[154] = 0;
  h[155] = 0x20;
  return h;
}

/** An uncompressed ustar archive: each entry's header and padded data, then two zero blocks. */
export function tar(entries: readonly ArchiveEntry[], mtime: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    parts.push(ustarHeader(e.name, e.data.length, mtime), e.data);
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

/** `tar` compressed with gzip (level 6, as `gzip` itself). */
export function tarGz(entries: readonly ArchiveEntry[], mtime: number): Uint8Array {
  return gzipSync(tar(entries, mtime), { level: 6 });
}

/** MS-DOS date and time fields of a zip entry (2-second resolution, UTC). */
function dosDateTime(mtime: number): { time: number; date: number } {
  const d = new Date(mtime * 1000);
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/**
 * A zip archive (deflate, no zip64: entries must stay under 4 GiB). "Made by" Unix with
 * mode 0755 in the external attributes, so `unzip` on Linux/macOS keeps the executable bit;
 * Windows ignores it.
 */
export function zip(entries: readonly ArchiveEntry[], mtime: number): Uint8Array {
  const { time, date } = dosDateTime(mtime);
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = encoder.encode(e.name);
    const packed = deflateRawSync(e.data, { level: 6 });
    const crc = Bun.hash.crc32(e.data) >>> 0;
    if (e.data.length >= 0xffffffff || offset >= 0xffffffff) throw new Error("zip: entry too large (no zip64)");

    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(8, 8); // method: deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    local.set(name, 30);

    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, spec 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: 0
    central.writeUInt32LE(((0o100755 << 16) >>> 0), 38); // external attributes: -rwxr-xr-x
    central.writeUInt32LE(offset, 42);
    central.set(name, 46);

    locals.push(local, packed);
    centrals.push(central);
    offset += local.length + packed.length;
  }
  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `sha256sum`'s format, which `sha256sum -c` and `shasum -a 256 -c` read: `<hex>  <name>`. */
export function sha256sums(files: ReadonlyArray<{ readonly name: string; readonly sha256: string }>): string {
  return files.map((f) => `${f.sha256}  ${f.name}\n`).join("");
}
