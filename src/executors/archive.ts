/**
 * @module executors/archive
 * The `archive` step of Dagu 1.30: `command: create | extract | list` with config `source`,
 * `destination`, `format` (else by file extension, or by content when reading),
 * `compressionLevel`, `password`, `overwrite`, `preservePaths` (default true),
 * `stripComponents`, `include`/`exclude` (doublestar globs), `dryRun`, `verbose`,
 * `followSymlinks`, `verifyIntegrity`, `continueOnError`. Prints Dagu's JSON result on stdout
 * and uses its exit codes per error kind (2 config, 3 source, 4 destination, …).
 *
 * Formats: tar, tar.gz/tgz, tar.zst and zip are read and written here (a small tar and zip
 * codec over node:zlib). bzip2, xz, lz4, 7z and rar fail with a clear "not supported by this
 * build" error. As in Dagu, `password` only matters for 7z/rar; encrypted zip entries fail.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { posix } from "node:path";
import zlib from "node:zlib";
import type { ConfigValue } from "../core/dag.ts";
import { goFsError } from "../core/go-errno.ts";
import type { ExecContext, ExecResult, Executor } from "./executor.ts";

// ---- errors ---------------------------------------------------------------------------

type ErrorKind =
  | "config"
  | "source"
  | "destination"
  | "format"
  | "extract"
  | "create"
  | "compress"
  | "decompress"
  | "permission"
  | "corrupted"
  | "password";

const kindText: Readonly<Record<ErrorKind, string>> = {
  config: "archive: configuration error",
  source: "archive: source not found",
  destination: "archive: destination error",
  format: "archive: format detection failed",
  extract: "archive: extraction failed",
  create: "archive: creation failed",
  compress: "archive: compression failed",
  decompress: "archive: decompression failed",
  permission: "archive: permission denied",
  corrupted: "archive: corrupted archive",
  password: "archive: password error",
};

const kindCode: Readonly<Record<ErrorKind, number>> = {
  config: 2,
  source: 3,
  destination: 4,
  format: 5,
  extract: 6,
  create: 7,
  compress: 8,
  decompress: 9,
  permission: 10,
  corrupted: 12,
  password: 13,
};

/** An error with Dagu's kinds: the outermost kind is kept for the message, the first for the exit code. */
export class ArchiveError extends Error {
  constructor(
    readonly kinds: readonly ErrorKind[],
    message: string,
  ) {
    super(message);
  }
  get exitCode(): number {
    // Dagu checks the kinds in a fixed order (errors.Is over the whole chain).
    const order: ErrorKind[] = ["config", "source", "destination", "format", "extract", "create", "compress", "decompress", "permission", "corrupted", "password"];
    for (const k of order) if (this.kinds.includes(k)) return kindCode[k];
    return 1;
  }
}

function fail(kind: ErrorKind, detail: string): ArchiveError {
  return new ArchiveError([kind], `${kindText[kind]}: ${detail}`);
}

/** Wrap an error in another kind, as Go's `fmt.Errorf("%w: %w")` does. */
function wrap(kind: ErrorKind, e: unknown): ArchiveError {
  if (e instanceof ArchiveError) return new ArchiveError([kind, ...e.kinds], `${kindText[kind]}: ${e.message}`);
  return fail(kind, goFsError(e));
}

function isPermission(e: unknown): boolean {
  const c = (e as NodeJS.ErrnoException)?.code;
  return c === "EACCES" || c === "EPERM";
}

// ---- config ---------------------------------------------------------------------------

export interface ArchiveConfig {
  source: string;
  destination: string;
  format: string;
  compressionLevel: number;
  password: string;
  overwrite: boolean;
  preservePaths: boolean;
  stripComponents: number;
  include: string[];
  exclude: string[];
  dryRun: boolean;
  verbose: boolean;
  followSymlinks: boolean;
  verifyIntegrity: boolean;
  continueOnError: boolean;
}

const configKeys = [
  "source", "destination", "format", "compressionLevel", "password", "overwrite", "preservePaths", "stripComponents",
  "include", "exclude", "dryRun", "verbose", "followSymlinks", "verifyIntegrity", "continueOnError",
] as const;

type DecodeProblem = string;

/** mapstructure's weak decoding of one value (keys match case-insensitively). */
function weakString(key: string, v: ConfigValue, problems: DecodeProblem[]): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "1" : "0";
  problems.push(`'${key}' expected type 'string', got unconvertible type '${Array.isArray(v) ? "[]interface {}" : "map[string]interface {}"}'`);
  return "";
}

function weakInt(key: string, v: ConfigValue, problems: DecodeProblem[]): number | undefined {
  if (v === null) return 0;
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    if (v === "") return 0;
    if (/^[+-]?\d+$/.test(v.trim()) && v.trim() === v) return Number.parseInt(v, 10);
    problems.push(`'${key}' cannot parse value as 'int': strconv.ParseInt: invalid syntax`);
    return undefined;
  }
  problems.push(`'${key}' expected type 'int', got unconvertible type '${Array.isArray(v) ? "[]interface {}" : "map[string]interface {}"}'`);
  return undefined;
}

function weakBool(key: string, v: ConfigValue, problems: DecodeProblem[]): boolean | undefined {
  if (v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") {
    if (v === "") return false;
    const t = v.toLowerCase();
    if (["1", "t", "true"].includes(t)) return true;
    if (["0", "f", "false"].includes(t)) return false;
    problems.push(`'${key}' cannot parse value as 'bool': strconv.ParseBool: invalid syntax`);
    return undefined;
  }
  problems.push(`'${key}' expected type 'bool', got unconvertible type '${Array.isArray(v) ? "[]interface {}" : "map[string]interface {}"}'`);
  return undefined;
}

function weakStrings(key: string, v: ConfigValue, problems: DecodeProblem[]): string[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v.map((x, i) => weakString(`${key}[${i}]`, x, problems));
  if (typeof v === "object") {
    problems.push(`'${key}': source data must be an array or slice, got map`);
    return [];
  }
  return [weakString(key, v, problems)];
}

/** Decode `config` the way Dagu does (weakly typed, unknown keys ignored but reported as warnings). */
export function decodeArchiveConfig(raw: Readonly<Record<string, ConfigValue>>): { config: ArchiveConfig; errors: string[]; unknown: string[] } {
  const cfg: ArchiveConfig = {
    source: "",
    destination: "",
    format: "",
    compressionLevel: -1,
    password: "",
    overwrite: false,
    preservePaths: true,
    stripComponents: 0,
    include: [],
    exclude: [],
    dryRun: false,
    verbose: false,
    followSymlinks: false,
    verifyIntegrity: false,
    continueOnError: false,
  };
  const problems: string[] = [];
  const unknown: string[] = [];
  const canon = new Map<string, (typeof configKeys)[number]>(configKeys.map((k) => [k.toLowerCase(), k]));
  for (const [k, v] of Object.entries(raw)) {
    const key = canon.get(k.toLowerCase());
    if (!key) {
      unknown.push(k);
      continue;
    }
    switch (key) {
      case "source":
      case "destination":
      case "format":
      case "password":
        cfg[key] = weakString(key, v, problems);
        break;
      case "compressionLevel":
      case "stripComponents": {
        const n = weakInt(key, v, problems);
        if (n !== undefined) cfg[key] = n;
        break;
      }
      case "include":
      case "exclude":
        cfg[key] = weakStrings(key, v, problems);
        break;
      default: {
        const b = weakBool(key, v, problems);
        if (b !== undefined) cfg[key] = b;
      }
    }
  }
  return { config: cfg, errors: problems, unknown };
}

export type Operation = "create" | "extract" | "list";

/** Dagu's validateConfig: required fields per operation, strip ≥ 0, password only to read, valid globs. */
export function validateArchiveConfig(op: Operation, cfg: ArchiveConfig): ArchiveError | undefined {
  if (cfg.source === "") return fail("config", `source is required for ${op}`);
  if (op === "create" && cfg.destination === "" && !cfg.dryRun) return fail("config", `destination is required for ${op}`);
  if (cfg.stripComponents < 0) return fail("config", "stripComponents must be >= 0");
  if (cfg.password !== "" && op === "create") return fail("config", "password is only supported for extract/list operations");
  for (const p of [...cfg.include, ...cfg.exclude]) {
    if (p !== "" && globRegex(p.trim()) === undefined) return fail("config", `invalid glob pattern "${p}"`);
  }
  return undefined;
}

// ---- globs (doublestar) ---------------------------------------------------------------

const globCache = new Map<string, RegExp | undefined>();

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** One path segment of a doublestar pattern → regex source, or undefined when malformed. */
function segmentRegex(seg: string): string | undefined {
  let out = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === "\\") {
      i++;
      if (i >= seg.length) return undefined;
      out += escapeRe(seg[i] as string);
    } else if (c === "*") {
      while (seg[i + 1] === "*") i++;
      out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = seg.indexOf("]", i + 2);
      if (end < 0) return undefined;
      let body = seg.slice(i + 1, end);
      let neg = false;
      if (body.startsWith("!") || body.startsWith("^")) {
        neg = true;
        body = body.slice(1);
      }
      if (body === "") return undefined;
      out += `[${neg ? "^/" : ""}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else if (c === "{") {
      let depth = 0;
      let end = -1;
      for (let j = i; j < seg.length; j++) {
        if (seg[j] === "\\") j++;
        else if (seg[j] === "{") depth++;
        else if (seg[j] === "}" && --depth === 0) {
          end = j;
          break;
        }
      }
      if (end < 0) return undefined;
      const alts: string[] = [];
      let cur = "";
      depth = 0;
      for (let j = i + 1; j < end; j++) {
        const d = seg[j] as string;
        if (d === "\\") {
          cur += d + (seg[j + 1] ?? "");
          j++;
        } else if (d === "{") {
          depth++;
          cur += d;
        } else if (d === "}") {
          depth--;
          cur += d;
        } else if (d === "," && depth === 0) {
          alts.push(cur);
          cur = "";
        } else cur += d;
      }
      alts.push(cur);
      const parts = alts.map((a) => patternBody(a));
      if (parts.some((p) => p === undefined)) return undefined;
      out += `(?:${parts.join("|")})`;
      i = end;
    } else if (c === "]" || c === "}") out += escapeRe(c);
    else out += escapeRe(c);
  }
  return out;
}

/** A whole pattern (segments joined by `/`, `**` spanning any number of them) → regex source. */
function patternBody(pattern: string): string | undefined {
  const parts = pattern.split("/");
  let re = "";
  let needSep = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    const last = i === parts.length - 1;
    if (p === "**") {
      if (parts.length === 1) re += ".*";
      else if (last) re += "(?:/.*)?";
      else {
        re += `${needSep ? "/" : ""}(?:.*/)?`;
        needSep = false;
        continue;
      }
      needSep = true;
      continue;
    }
    const seg = segmentRegex(p);
    if (seg === undefined) return undefined;
    re += (needSep ? "/" : "") + seg;
    needSep = true;
  }
  return re;
}

export function globRegex(pattern: string): RegExp | undefined {
  if (globCache.has(pattern)) return globCache.get(pattern);
  const body = patternBody(pattern);
  const re = body === undefined ? undefined : new RegExp(`^${body}$`, "s");
  globCache.set(pattern, re);
  return re;
}

export function globMatch(pattern: string, value: string): boolean {
  if (pattern === "") return false;
  const re = globRegex(pattern.trim());
  return re ? re.test(value) : false;
}

export function matchesFilters(path: string, include: readonly string[], exclude: readonly string[]): boolean {
  if (include.length > 0 && !include.some((p) => globMatch(p, path))) return false;
  return !exclude.some((p) => globMatch(p, path));
}

// ---- entries --------------------------------------------------------------------------

/** One archive member, in a format-neutral shape. */
export interface Entry {
  /** Name as stored (slashes; dirs may end with `/`). */
  name: string;
  /** Go-style file mode: permission bits plus `dir`/`symlink` flags. */
  perm: number;
  kind: "file" | "dir" | "symlink" | "hardlink" | "other";
  size: number;
  mtime: Date;
  linkTarget: string;
  /** The content (files only), read lazily. */
  data: () => Buffer;
  uid?: number;
  gid?: number;
}

// ---- tar ------------------------------------------------------------------------------

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\0`;
}

function tarHeader(name: string, e: { perm: number; uid: number; gid: number; size: number; mtime: number; type: string; link: string }): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write(octal(e.perm & 0o7777, 8), 100, "ascii");
  h.write(octal(e.uid > 0o7777777 ? 0 : e.uid, 8), 108, "ascii");
  h.write(octal(e.gid > 0o7777777 ? 0 : e.gid, 8), 116, "ascii");
  h.write(octal(e.size, 12), 124, "ascii");
  h.write(octal(Math.max(0, Math.floor(e.mtime)), 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write(e.type, 156, "ascii");
  h.write(e.link, 157, 100, "utf8");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return h;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function pad512(n: number): Buffer {
  const r = n % 512;
  return Buffer.alloc(r === 0 ? 0 : 512 - r);
}

/** A POSIX tar stream (PAX headers for long names and large sizes). */
export function writeTar(entries: readonly Entry[]): Buffer {
  const chunks: Buffer[] = [];
  for (const e of entries) {
    const name = e.kind === "dir" && !e.name.endsWith("/") ? `${e.name}/` : e.name;
    const data = e.kind === "file" ? e.data() : Buffer.alloc(0);
    const type = e.kind === "dir" ? "5" : e.kind === "symlink" ? "2" : e.kind === "hardlink" ? "1" : "0";
    const pax: string[] = [];
    if (Buffer.byteLength(name) > 100) pax.push(paxRecord("path", name));
    if (Buffer.byteLength(e.linkTarget) > 100) pax.push(paxRecord("linkpath", e.linkTarget));
    if (data.length > 0o77777777777) pax.push(paxRecord("size", String(data.length)));
    const mtime = e.mtime.getTime() / 1000;
    const base = { perm: e.perm, uid: e.uid ?? 0, gid: e.gid ?? 0, mtime };
    if (pax.length > 0) {
      const body = Buffer.from(pax.join(""), "utf8");
      chunks.push(tarHeader(`PaxHeaders/${basename(name).slice(0, 80)}`, { ...base, perm: 0o644, size: body.length, type: "x", link: "" }), body, pad512(body.length));
    }
    chunks.push(tarHeader(name, { ...base, size: data.length, type, link: e.linkTarget }), data, pad512(data.length));
  }
  chunks.push(Buffer.alloc(1024));
  return Buffer.concat(chunks);
}

function cstr(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return (z < 0 ? s : s.subarray(0, z)).toString("utf8");
}

function parseOctal(b: Buffer, off: number, len: number): number {
  const first = b[off] as number;
  if (first & 0x80) {
    // base-256
    let n = 0;
    for (let i = 1; i < len; i++) n = n * 256 + (b[off + i] as number);
    return n;
  }
  const s = cstr(b, off, len).trim();
  return s === "" ? 0 : Number.parseInt(s, 8);
}

function isTarHeader(b: Buffer): boolean {
  if (b.length < 512) return false;
  if (b.subarray(257, 262).toString("latin1") === "ustar") return true;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (b[i] as number);
  const stored = parseOctal(b, 148, 8);
  return stored === sum && sum !== 256;
}

function parsePax(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(" ", i);
    if (sp < 0) break;
    const len = Number.parseInt(body.slice(i, sp), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = Buffer.from(body, "utf8").subarray(Buffer.byteLength(body.slice(0, i)), Buffer.byteLength(body.slice(0, i)) + len).toString("utf8");
    const kv = rec.slice(rec.indexOf(" ") + 1, rec.endsWith("\n") ? -1 : undefined);
    const eq = kv.indexOf("=");
    if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
    i += rec.length;
  }
  return out;
}

/** Members of a tar stream; throws ArchiveError(corrupted) on a broken stream. */
export function readTar(buf: Buffer): Entry[] {
  const out: Entry[] = [];
  let off = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let global: Record<string, string> = {};
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    if (!isTarHeader(h)) throw fail("corrupted", "archive/tar: invalid tar header");
    const size = parseOctal(h, 124, 12);
    const type = String.fromCharCode(h[156] as number);
    const dataStart = off + 512;
    const dataEnd = dataStart + size;
    if (dataEnd > buf.length) throw fail("corrupted", "unexpected EOF");
    const body = buf.subarray(dataStart, dataEnd);
    off = dataStart + size + pad512(size).length;
    if (type === "L") {
      longName = cstr(body, 0, body.length);
      continue;
    }
    if (type === "K") {
      longLink = cstr(body, 0, body.length);
      continue;
    }
    if (type === "x") {
      pax = parsePax(body.toString("utf8"));
      continue;
    }
    if (type === "g") {
      global = { ...global, ...parsePax(body.toString("utf8")) };
      continue;
    }
    const prefix = h.subarray(257, 262).toString("latin1") === "ustar" ? cstr(h, 345, 155) : "";
    let name = cstr(h, 0, 100);
    if (prefix !== "") name = `${prefix}/${name}`;
    const attrs = { ...global, ...pax };
    if (longName !== undefined) name = longName;
    if (attrs.path !== undefined) name = attrs.path;
    let link = cstr(h, 157, 100);
    if (longLink !== undefined) link = longLink;
    if (attrs.linkpath !== undefined) link = attrs.linkpath;
    const mtimeSec = attrs.mtime !== undefined ? Number.parseFloat(attrs.mtime) : parseOctal(h, 136, 12);
    const kind: Entry["kind"] =
      type === "5" ? "dir" : type === "2" ? "symlink" : type === "1" ? "hardlink" : type === "0" || type === "\0" || type === "7" ? "file" : "other";
    const data = Buffer.from(body);
    out.push({
      name,
      perm: parseOctal(h, 100, 8) & 0o7777,
      kind: kind === "file" && name.endsWith("/") ? "dir" : kind,
      size: kind === "file" ? size : 0,
      mtime: new Date(mtimeSec * 1000),
      linkTarget: link,
      data: () => data,
      uid: parseOctal(h, 108, 8),
      gid: parseOctal(h, 116, 8),
    });
    longName = undefined;
    longLink = undefined;
    pax = {};
  }
  return out;
}

// ---- zip ------------------------------------------------------------------------------

function dosDateTime(d: Date): { date: number; time: number } {
  const y = Math.max(1980, d.getFullYear());
  return {
    date: ((y - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

/** A zip file: deflate (or stored for dirs/links), Unix modes and the extended-timestamp field. */
export function writeZip(entries: readonly Entry[], level: number): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = e.kind === "dir" && !e.name.endsWith("/") ? `${e.name}/` : e.name;
    const nameBuf = Buffer.from(name, "utf8");
    const raw = e.kind === "file" ? e.data() : e.kind === "symlink" ? Buffer.from(e.linkTarget, "utf8") : Buffer.alloc(0);
    const deflate = e.kind === "file";
    const comp = deflate ? zlib.deflateRawSync(raw, level >= 0 ? { level: Math.min(9, level) } : {}) : raw;
    if (comp.length > 0xfffffffe || raw.length > 0xfffffffe || offset > 0xfffffffe) throw fail("create", "zip64 archives (members or archives over 4 GiB) are not supported by this build");
    const crc = zlib.crc32(raw) >>> 0;
    const { date, time } = dosDateTime(e.mtime);
    const flags = /[^\x00-\x7f]/.test(name) ? 0x800 : 0;
    const extra = Buffer.alloc(9);
    extra.writeUInt16LE(0x5455, 0);
    extra.writeUInt16LE(5, 2);
    extra.writeUInt8(1, 4);
    extra.writeUInt32LE(Math.max(0, Math.floor(e.mtime.getTime() / 1000)) >>> 0, 5);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(deflate ? 8 : 0, 8);
    lh.writeUInt16LE(time, 10);
    lh.writeUInt16LE(date, 12);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(raw.length, 22);
    lh.writeUInt16LE(nameBuf.length, 26);
    lh.writeUInt16LE(extra.length, 28);
    const typeBits = e.kind === "dir" ? 0o040000 : e.kind === "symlink" ? 0o120000 : 0o100000;
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(0x031e, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(deflate ? 8 : 0, 10);
    ch.writeUInt16LE(time, 12);
    ch.writeUInt16LE(date, 14);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(raw.length, 24);
    ch.writeUInt16LE(nameBuf.length, 28);
    ch.writeUInt16LE(extra.length, 30);
    ch.writeUInt32LE((((typeBits | (e.perm & 0o7777)) << 16) | (e.kind === "dir" ? 0x10 : 0)) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, nameBuf, extra, comp);
    central.push(ch, nameBuf, extra);
    offset += lh.length + nameBuf.length + extra.length + comp.length;
  }
  const cd = Buffer.concat(central);
  if (entries.length > 0xfffe) throw fail("create", "zip archives with more than 65534 members are not supported by this build");
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Members of a zip file, read from its central directory; content is inflated and CRC-checked on demand. */
export function readZip(buf: Buffer): Entry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail("corrupted", "zip: not a valid zip file");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw fail("corrupted", "zip64 archives are not supported by this build");
  const out: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw fail("corrupted", "zip: not a valid zip file");
    const madeBy = buf.readUInt16LE(p + 4) >> 8;
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const time = buf.readUInt16LE(p + 12);
    const date = buf.readUInt16LE(p + 14);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const attrs = buf.readUInt32LE(p + 38);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString(flags & 0x800 ? "utf8" : "latin1");
    const extra = buf.subarray(p + 46 + nlen, p + 46 + nlen + xlen);
    p += 46 + nlen + xlen + clen;
    let mtime = new Date(1980 + (date >> 9), ((date >> 5) & 0xf) - 1, date & 0x1f, time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2);
    for (let x = 0; x + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(x);
      const len = extra.readUInt16LE(x + 2);
      if (id === 0x5455 && len >= 5 && (extra[x + 4] as number) & 1) mtime = new Date(extra.readUInt32LE(x + 5) * 1000);
      x += 4 + len;
    }
    let perm: number;
    let kind: Entry["kind"];
    if (madeBy === 3 || madeBy === 19) {
      const mode = attrs >>> 16;
      const t = mode & 0o170000;
      kind = t === 0o040000 ? "dir" : t === 0o120000 ? "symlink" : "file";
      perm = mode & 0o777;
    } else {
      kind = attrs & 0x10 ? "dir" : "file";
      perm = attrs & 0x10 ? 0o777 : attrs & 1 ? 0o444 : 0o666;
    }
    if (name.endsWith("/")) kind = "dir";
    const entryName = name;
    const data = (): Buffer => {
      if (flags & 1) throw fail("password", `zip: ${entryName}: encrypted entries are not supported by this build`);
      if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw fail("corrupted", "zip: not a valid zip file");
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const comp = buf.subarray(start, start + csize);
      let raw: Buffer;
      if (method === 0) raw = Buffer.from(comp);
      else if (method === 8) {
        try {
          raw = zlib.inflateRawSync(comp);
        } catch (e) {
          throw fail("corrupted", `zip: ${entryName}: ${(e as Error).message}`);
        }
      } else throw fail("extract", `zip: ${entryName}: unsupported compression algorithm ${method}`);
      if (raw.length !== usize || (zlib.crc32(raw) >>> 0) !== crc) throw fail("corrupted", "zip: checksum error");
      return raw;
    };
    const entry: Entry = { name, perm, kind, size: kind === "file" ? usize : 0, mtime, linkTarget: "", data };
    if (kind === "symlink") entry.linkTarget = data().toString("utf8");
    out.push(entry);
  }
  return out;
}

// ---- formats --------------------------------------------------------------------------

type Compression = "none" | "gz" | "zst";
interface Format {
  readonly name: string;
  readonly container: "tar" | "zip" | "none";
  readonly compression: Compression;
}

const unsupported = new Set(["tar.bz2", "tbz2", "tbz", "tar.xz", "txz", "bz2", "xz", "lz4", "7z", "rar"]);

function formatFromName(name: string): Format {
  const n = name.toLowerCase();
  switch (n) {
    case "zip":
      return { name: n, container: "zip", compression: "none" };
    case "tar":
      return { name: n, container: "tar", compression: "none" };
    case "tar.gz":
    case "tgz":
      return { name: n, container: "tar", compression: "gz" };
    case "tar.zst":
    case "tar.zstd":
      return { name: n, container: "tar", compression: "zst" };
    case "gz":
      return { name: n, container: "none", compression: "gz" };
    case "zst":
    case "zstd":
      return { name: n, container: "none", compression: "zst" };
  }
  if (unsupported.has(n)) throw fail("format", `format "${name}" is not supported by this build (supported: zip, tar, tar.gz/tgz, tar.zst)`);
  throw fail("format", `unknown format "${name}"`);
}

/** Dagu's extension table. */
export function extensionToFormat(path: string): string {
  const name = basename(path).toLowerCase();
  const table: [string[], string][] = [
    [[".tar.gz", ".tgz"], "tar.gz"],
    [[".tar.bz2", ".tbz2", ".tbz"], "tar.bz2"],
    [[".tar.xz", ".txz"], "tar.xz"],
    [[".tar.zst", ".tar.zstd"], "tar.zst"],
    [[".tar"], "tar"],
    [[".zip"], "zip"],
    [[".gz"], "gz"],
    [[".bz2"], "bz2"],
    [[".xz"], "xz"],
    [[".zst", ".zstd"], "zst"],
    [[".lz4"], "lz4"],
  ];
  for (const [exts, f] of table) if (exts.some((x) => name.endsWith(x))) return f;
  return "";
}

function decompress(buf: Buffer, c: Compression): Buffer {
  try {
    if (c === "gz") return zlib.gunzipSync(buf);
    if (c === "zst") return zlib.zstdDecompressSync(buf);
    return buf;
  } catch (e) {
    throw fail("decompress", (e as Error).message);
  }
}

function compress(buf: Buffer, c: Compression, level: number): Buffer {
  try {
    if (c === "gz") return zlib.gzipSync(buf, level >= 0 ? { level: Math.min(9, level) } : {});
    if (c === "zst") return zlib.zstdCompressSync(buf);
    return buf;
  } catch (e) {
    throw fail("compress", (e as Error).message);
  }
}

/** Identify an archive by its content, then by its name (as archives.Identify does). */
function identify(path: string, head: Buffer): Format {
  const magic = (bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);
  if (magic([0x50, 0x4b, 0x03, 0x04]) || magic([0x50, 0x4b, 0x05, 0x06])) return formatFromName("zip");
  if (magic([0x1f, 0x8b])) {
    let inner: Buffer | undefined;
    try {
      inner = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      inner = undefined;
    }
    return formatFromName(inner && isTarHeader(inner) ? "tar.gz" : "gz");
  }
  if (magic([0x28, 0xb5, 0x2f, 0xfd])) {
    let inner: Buffer | undefined;
    try {
      inner = zlib.zstdDecompressSync(head);
    } catch {
      inner = undefined;
    }
    return formatFromName(inner && isTarHeader(inner) ? "tar.zst" : "zst");
  }
  if (isTarHeader(head)) return formatFromName("tar");
  if (magic([0x42, 0x5a, 0x68])) return formatFromName(extensionToFormat(path).startsWith("tar") ? "tar.bz2" : "bz2");
  if (magic([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return formatFromName("xz");
  if (magic([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return formatFromName("7z");
  if (magic([0x52, 0x61, 0x72, 0x21])) return formatFromName("rar");
  if (magic([0x04, 0x22, 0x4d, 0x18])) return formatFromName("lz4");
  throw fail("format", "no formats matched");
}

/** Members of the archive at `path` (format given or identified). */
function readArchive(path: string, format: Format): Entry[] {
  const buf = readFileSync(path);
  if (format.container === "none") throw fail("format", "format does not support extraction");
  if (format.container === "zip") return readZip(buf);
  return readTar(decompress(buf, format.compression));
}

// ---- Go formatting --------------------------------------------------------------------

/** Go's FileMode.String() for the kinds an archive holds. */
export function goModeString(kind: Entry["kind"], perm: number): string {
  const t = kind === "dir" ? "d" : kind === "symlink" ? "L" : "-";
  const rwx = "rwxrwxrwx";
  let s = "";
  for (let i = 0; i < 9; i++) s += perm & (1 << (8 - i)) ? rwx[i] : "-";
  return t + s;
}

/** Go's time.Time JSON (RFC 3339 with nanoseconds trimmed) in the local zone. */
export function goTime(d: Date): string {
  if (Number.isNaN(d.getTime())) return "0001-01-01T00:00:00Z";
  const off = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60000);
  const iso = local.toISOString().replace(/\.(\d+)Z$/, (_m, f: string) => (/^0+$/.test(f) ? "" : `.${f.replace(/0+$/, "")}`));
  if (off === 0) return `${iso}Z`;
  const sign = off > 0 ? "+" : "-";
  const a = Math.abs(off);
  return `${iso}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

/** Go's Duration.String() for a non-negative nanosecond count. */
export function goDuration(ns: number): string {
  const n = Math.max(0, Math.round(ns));
  if (n === 0) return "0s";
  const trim = (s: string): string => s.replace(/\.?0+$/, "");
  if (n < 1000) return `${n}ns`;
  if (n < 1e6) return `${trim((n / 1e3).toFixed(3))}µs`;
  if (n < 1e9) return `${trim((n / 1e6).toFixed(6))}ms`;
  let s = n / 1e9;
  let out = "";
  const h = Math.floor(s / 3600);
  if (h > 0) out += `${h}h`;
  s -= h * 3600;
  const m = Math.floor(s / 60);
  if (h > 0 || m > 0) out += `${m}m`;
  s -= m * 60;
  return `${out}${trim(s.toFixed(9))}s`;
}

// ---- paths ----------------------------------------------------------------------------

/** Go's filepath.Join over parts: empty parts dropped, result cleaned, "" when nothing is left. */
function goJoin(parts: readonly string[]): string {
  const kept = parts.filter((p) => p !== "");
  return kept.length === 0 ? "" : posix.normalize(kept.join("/")).replace(/\/$/, "");
}

/** Dagu's sanitizeArchivePath: strip leading components, optionally flatten to the base name. */
export function sanitizeArchivePath(name: string, strip: number, preserve: boolean): string {
  let clean = name.replace(/\\/g, "/");
  if (clean.startsWith("./")) clean = clean.slice(2);
  if (clean === "" || clean === ".") return "";
  let parts = clean.split("/");
  if (strip > 0) {
    if (strip >= parts.length) return "";
    parts = parts.slice(strip);
  }
  if (!preserve) {
    const joined = parts.join("/").replace(/\/+$/, "");
    return joined === "" ? "." : posix.basename(joined);
  }
  return goJoin(parts);
}

/** Whether `target` is `base` or inside it (lexically, as Dagu checks). */
export function pathWithin(base: string, target: string): boolean {
  const rel = relative(resolve(base), resolve(target));
  return rel === "" || (rel !== ".." && !rel.startsWith("../") && !isAbsolute(rel));
}

function secureJoin(base: string, rel: string): string {
  if (rel === ".") return base;
  const target = join(base, rel);
  if (!pathWithin(base, target)) throw fail("corrupted", `target "${rel}" escapes destination`);
  return target;
}

// ---- executor -------------------------------------------------------------------------

interface CreationResult {
  operation: "create";
  source: string;
  destination: string;
  filesAdded: number;
  bytesArchived: number;
  duration: string;
  errors?: string[];
  verifyPerformed: boolean;
}

interface ExtractionResult {
  operation: "extract";
  source: string;
  destination: string;
  filesExtracted: number;
  bytesExtracted: number;
  filesSkipped: number;
  duration: string;
  errors?: string[];
  verifyPerformed: boolean;
}

/** A file taken from disk for `create`: its name in the archive and its stat size (dirs included, as Dagu counts). */
interface DiskFile {
  readonly entry: Entry;
  readonly statSize: number;
}

function entryFromDisk(abs: string, nameInArchive: string, st: Stats, follow: boolean): Entry {
  const kind: Entry["kind"] = st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : st.isFile() ? "file" : "other";
  return {
    name: nameInArchive,
    perm: st.mode & 0o7777,
    kind,
    size: kind === "file" ? st.size : 0,
    mtime: st.mtime,
    linkTarget: kind === "symlink" && !follow ? readlinkSync(abs) : "",
    data: () => readFileSync(abs),
    uid: st.uid,
    gid: st.gid,
  };
}

/** archives.FilesFromDisk: the source (a dir keeps its name as the top entry), walked in lexical order. */
function filesFromDisk(source: string, follow: boolean): DiskFile[] {
  const out: DiskFile[] = [];
  const statOf = (p: string): Stats => (follow ? statSync(p) : lstatSync(p));
  const rootStat = statOf(source);
  const rootName = basename(resolve(source));
  if (!rootStat.isDirectory()) {
    out.push({ entry: entryFromDisk(source, rootName, rootStat, follow), statSize: rootStat.size });
    return out;
  }
  const walk = (abs: string, name: string, st: Stats): void => {
    out.push({ entry: entryFromDisk(abs, name, st, follow), statSize: st.size });
    if (!st.isDirectory()) return;
    for (const child of readdirSync(abs).sort()) {
      const p = join(abs, child);
      walk(p, `${name}/${child}`, statOf(p));
    }
  };
  walk(source, rootName, rootStat);
  return out;
}

function writeJson(ctx: ExecContext, v: unknown): void {
  ctx.stdout.write(new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`));
}

function resolveIn(workingDir: string, p: string): string {
  return isAbsolute(p) ? p : join(workingDir, p);
}

class Run {
  constructor(
    private readonly ctx: ExecContext,
    private readonly cfg: ArchiveConfig,
  ) {}

  private abs(p: string): string {
    return resolveIn(this.ctx.workingDir, p);
  }

  private warn(msg: string): void {
    this.ctx.stderr.write(new TextEncoder().encode(`archive executor warning: ${msg}\n`));
  }

  private checkAbort(): void {
    if (this.ctx.signal.aborted) throw new ArchiveError([], "context canceled");
  }

  private ensureDir(p: string): void {
    if (this.cfg.dryRun) return;
    try {
      mkdirSync(p, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw isPermission(e) ? fail("permission", goFsError(e)) : fail("destination", goFsError(e));
    }
  }

  private format(path: string): Format {
    if (this.cfg.format.trim() !== "") return formatFromName(this.cfg.format.trim());
    let head: Buffer;
    try {
      const fd = openSync(path, "r");
      try {
        head = Buffer.alloc(Math.min(fstatSync(fd).size, 1 << 16));
        readSync(fd, head, 0, head.length, 0);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      throw fail("source", goFsError(e));
    }
    return identify(path, head);
  }

  private openEntries(path: string, format: Format): Entry[] {
    try {
      return readArchive(path, format);
    } catch (e) {
      if (e instanceof ArchiveError) throw e;
      throw fail("corrupted", goFsError(e));
    }
  }

  private verify(entries: readonly Entry[]): void {
    for (const e of entries) if (e.kind === "file") e.data();
  }

  extract(): void {
    const start = performance.now();
    const cfg = this.cfg;
    const res: ExtractionResult = {
      operation: "extract",
      source: cfg.source,
      destination: cfg.destination,
      filesExtracted: 0,
      bytesExtracted: 0,
      filesSkipped: 0,
      duration: "",
      verifyPerformed: false,
    };
    const src = this.abs(cfg.source);
    let st: Stats;
    try {
      st = statSync(src);
    } catch (e) {
      throw fail("source", goFsError(e).replace(src, cfg.source));
    }
    if (st.isDirectory()) throw fail("config", "source must be a file");
    const format = this.format(src);
    if (format.container === "none") throw fail("format", "format does not support extraction");
    const entries = this.openEntries(src, format);
    if (cfg.verifyIntegrity) {
      try {
        this.verify(entries);
      } catch (e) {
        throw wrap("corrupted", e);
      }
      res.verifyPerformed = true;
    }
    const dest = this.abs(cfg.destination === "" ? "." : cfg.destination);
    this.ensureDir(dest);
    const handle = (e: Entry): void => {
      this.checkAbort();
      const rel = sanitizeArchivePath(e.name, cfg.stripComponents, cfg.preservePaths);
      if (rel === "") {
        if (e.kind === "dir") return;
        this.warn("skipping unnamed file in archive");
        res.filesSkipped++;
        return;
      }
      if (!matchesFilters(rel, cfg.include, cfg.exclude)) {
        res.filesSkipped++;
        return;
      }
      const target = secureJoin(dest, rel);
      if (e.kind === "dir") {
        this.ensureDir(target);
        return;
      }
      const parent = dirname(target);
      if (parent !== "" && parent !== ".") this.ensureDir(parent);
      if (cfg.dryRun) {
        res.filesExtracted++;
        res.bytesExtracted += e.size;
        return;
      }
      if (!cfg.overwrite && existsSync(target)) {
        throw fail("destination", `destination "${join(cfg.destination === "" ? "." : cfg.destination, rel)}" exists (overwrite disabled)`);
      }
      if (e.kind === "symlink") {
        const link = e.linkTarget;
        if (link === "") throw fail("corrupted", "empty symlink target");
        if (isAbsolute(link)) throw fail("corrupted", `symlink target "${link}" is absolute`);
        const resolved = resolve(parent, link);
        if (!pathWithin(dest, resolved)) throw fail("corrupted", `symlink target "${link}" escapes destination`);
        rmSync(target, { force: true });
        try {
          symlinkSync(relative(parent, resolved) || ".", target);
        } catch (err) {
          throw isPermission(err) ? fail("permission", goFsError(err)) : fail("destination", goFsError(err));
        }
        res.filesExtracted++;
        return;
      }
      if (e.kind !== "file") {
        this.warn(`skipping unsupported entry type for "${e.name}"`);
        res.filesSkipped++;
        return;
      }
      const data = e.data();
      try {
        const tmp = `${target}.dagu-extract-${process.pid}`;
        writeFileSync(tmp, data, { mode: e.perm === 0 ? 0o644 : e.perm });
        renameSync(tmp, target);
      } catch (err) {
        throw isPermission(err) ? fail("permission", goFsError(err)) : fail("destination", goFsError(err));
      }
      res.filesExtracted++;
      res.bytesExtracted += data.length;
    };
    entries.forEach((e, i) => {
      try {
        handle(e);
      } catch (err) {
        if (cfg.continueOnError && err instanceof ArchiveError && err.message !== "context canceled") {
          (res.errors ??= []).push(err.message);
          this.warn(`continuing after error: ${err.message}`);
          return;
        }
        const where = format.container === "zip" ? `handling file ${i}: ${e.name}` : `handling file: ${e.name}`;
        throw err instanceof ArchiveError ? new ArchiveError(["extract", ...err.kinds], `${kindText.extract}: ${where}: ${err.message}`) : wrap("extract", err);
      }
    });
    res.duration = goDuration((performance.now() - start) * 1e6);
    writeJson(this.ctx, {
      operation: res.operation,
      source: res.source,
      destination: res.destination,
      filesExtracted: res.filesExtracted,
      bytesExtracted: res.bytesExtracted,
      filesSkipped: res.filesSkipped,
      duration: res.duration,
      ...(res.errors ? { errors: res.errors } : {}),
      verifyPerformed: res.verifyPerformed,
    });
  }

  create(): void {
    const start = performance.now();
    const cfg = this.cfg;
    const res: CreationResult = {
      operation: "create",
      source: cfg.source,
      destination: cfg.destination,
      filesAdded: 0,
      bytesArchived: 0,
      duration: "",
      verifyPerformed: false,
    };
    const src = this.abs(cfg.source);
    try {
      statSync(src);
    } catch (e) {
      throw fail("source", goFsError(e).replace(src, cfg.source));
    }
    const dest = this.abs(cfg.destination);
    if (!cfg.dryRun) this.ensureDir(dirname(dest));
    const name = cfg.format.trim() || extensionToFormat(cfg.destination);
    if (name === "") throw fail("format", "could not infer format; specify config.format");
    const format = formatFromName(name);
    let files: DiskFile[];
    try {
      files = filesFromDisk(src, cfg.followSymlinks);
    } catch (e) {
      throw fail("create", goFsError(e));
    }
    const filtered = files.filter((f) => matchesFilters(f.entry.name, cfg.include, cfg.exclude));
    const count = (): void => {
      for (const f of filtered) {
        res.filesAdded++;
        res.bytesArchived += f.statSize;
      }
    };
    if (!cfg.dryRun) {
      if (format.container === "none") throw fail("create", `format ${format.name} cannot create archives`);
      this.checkAbort();
      let out: Buffer;
      try {
        const entries = filtered.map((f) => f.entry).filter((e) => e.kind !== "other");
        out = format.container === "zip" ? writeZip(entries, cfg.compressionLevel) : compress(writeTar(entries), format.compression, cfg.compressionLevel);
      } catch (e) {
        throw e instanceof ArchiveError ? wrap("create", e) : fail("create", goFsError(e));
      }
      try {
        writeFileSync(dest, out);
      } catch (e) {
        throw isPermission(e) ? fail("permission", goFsError(e)) : fail("destination", goFsError(e));
      }
    }
    count();
    if (!cfg.dryRun && cfg.verifyIntegrity) {
      try {
        this.verify(readArchive(dest, format));
      } catch (e) {
        throw wrap("corrupted", e);
      }
      res.verifyPerformed = true;
    }
    res.duration = goDuration((performance.now() - start) * 1e6);
    writeJson(this.ctx, res);
  }

  list(): void {
    const start = performance.now();
    const cfg = this.cfg;
    const src = this.abs(cfg.source);
    if (!existsSync(src)) throw fail("source", `open ${cfg.source}: no such file or directory`);
    const format = this.format(src);
    if (format.container === "none") throw fail("format", "format does not support extraction");
    const entries = this.openEntries(src, format);
    let verified = false;
    if (cfg.verifyIntegrity) {
      try {
        this.verify(entries);
      } catch (e) {
        throw wrap("corrupted", e);
      }
      verified = true;
    }
    const files = walkTree(entries).filter((f) => matchesFilters(f.path, cfg.include, cfg.exclude));
    const totalSize = files.reduce((n, f) => n + (f.isDir ? 0 : f.size), 0);
    writeJson(this.ctx, {
      operation: "list",
      source: cfg.source,
      totalFiles: files.length,
      totalSize,
      files,
      verified,
      duration: goDuration((performance.now() - start) * 1e6),
    });
  }
}

interface ListEntry {
  path: string;
  size: number;
  mode: string;
  modTime: string;
  isDir: boolean;
}

/**
 * The archive as a file tree walked like Go's fs.WalkDir over archives.ArchiveFS: parents
 * before children, names sorted, implicit parent dirs added; `..` and absolute names are
 * cleaned into the tree.
 */
function walkTree(entries: readonly Entry[]): ListEntry[] {
  interface Node {
    entry?: Entry;
    children: Map<string, Node>;
  }
  const root: Node = { children: new Map() };
  for (const e of entries) {
    const clean = posix.normalize(`/${e.name}`).replace(/^\/+|\/+$/g, "");
    if (clean === "" || clean === ".") continue;
    let node = root;
    for (const part of clean.split("/")) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.entry = e;
  }
  const out: ListEntry[] = [];
  const visit = (node: Node, path: string): void => {
    for (const name of [...node.children.keys()].sort()) {
      const child = node.children.get(name) as Node;
      const p = path === "" ? name : `${path}/${name}`;
      const e = child.entry;
      const isDir = e ? e.kind === "dir" : true;
      out.push({
        path: p,
        size: e && !isDir ? e.size : 0,
        mode: e ? goModeString(e.kind, e.perm) : "drwxr-xr-x",
        modTime: e ? goTime(e.mtime) : "0001-01-01T00:00:00Z",
        isDir,
      });
      if (isDir) visit(child, p);
    }
  };
  visit(root, "");
  return out;
}

export class ArchiveExecutor implements Executor {
  async run(ctx: ExecContext): Promise<ExecResult> {
    const op = (ctx.step.commands[0]?.command ?? "").trim().toLowerCase();
    const decoded = decodeArchiveConfig(ctx.step.executor.config);
    if (decoded.errors.length > 0) {
      return { ok: false, exitCode: 1, error: `invalid archive configuration: decoding failed due to the following error(s): ${decoded.errors.join("; ")}` };
    }
    if (op === "") return { ok: false, exitCode: 2, error: `${kindText.config}: command must specify archive operation` };
    if (op !== "create" && op !== "extract" && op !== "list") {
      return { ok: false, exitCode: 2, error: `${kindText.config}: unsupported archive operation "${op}" (expected create, extract or list)` };
    }
    for (const k of decoded.unknown) {
      ctx.stderr.write(new TextEncoder().encode(`archive executor warning: unknown config key "${k}" ignored (known: ${configKeys.join(", ")})\n`));
    }
    const invalid = validateArchiveConfig(op, decoded.config);
    if (invalid) return { ok: false, exitCode: invalid.exitCode, error: invalid.message };
    const run = new Run(ctx, decoded.config);
    try {
      if (op === "create") run.create();
      else if (op === "extract") run.extract();
      else run.list();
      return { ok: true };
    } catch (e) {
      if (e instanceof ArchiveError) return { ok: false, exitCode: e.message === "context canceled" ? 14 : e.exitCode, error: e.message };
      return { ok: false, exitCode: 1, error: `archive: ${goFsError(e)}` };
    }
  }
}
