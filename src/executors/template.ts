/**
 * @module executors/template
 * The `template` step of Dagu v2.6.5: `script` is a Go text/template rendered with
 * `config.data` (or v2's `with.data`) as `.`, `missingkey=error`, and Dagu's hermetic
 * function map (slim-sprig minus env/time/random, with Dagu's pipeline-friendly overrides:
 * `split`, `join`, `count`, `add`, `empty`, `upper`, `lower`, `trim`, `default`). The result
 * goes to stdout, or, with `config.output`, to that file (relative to the step's working dir,
 * parent dirs created, written via a temp file and rename) and nothing to stdout.
 * Functions this build does not implement fail the parse ("function … not defined").
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { posix } from "node:path";
import { dirname, isAbsolute, join } from "node:path";
import type { ConfigValue } from "../core/dag.ts";
import type { ExecContext, ExecResult, Executor } from "./executor.ts";
import { GoFloat, GoTemplate, goSprint, sprint, TemplateError, type TFunc, type TValue, truth } from "./gotemplate.ts";

type Dict = Record<string, TValue>;

function isDict(v: TValue): v is Dict {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof GoFloat);
}

/** sprig's toString/strval. */
function str(v: TValue): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  return sprint(v);
}

/** cast.ToInt64 as sprig uses it: numbers truncate, numeric strings parse, the rest is 0. */
function toInt(v: TValue): number {
  if (v instanceof GoFloat) return Math.trunc(v.value);
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = Number(v.trim());
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  }
  return 0;
}

function toFloat(v: TValue): number {
  if (v instanceof GoFloat) return v.value;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

function list(v: TValue): TValue[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return [];
  throw new Error(`Cannot find first on type ${typeof v}`);
}

function isEmpty(v: TValue): boolean {
  return !truth(v);
}

function deepEqual(a: TValue, b: TValue): boolean {
  return JSON.stringify(toJsonValue(a)) === JSON.stringify(toJsonValue(b));
}

function toJsonValue(v: TValue): unknown {
  if (v instanceof GoFloat) return v.value;
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (isDict(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, toJsonValue(v[k])]));
  return v === undefined ? null : v;
}

function fromJsonValue(v: unknown): TValue {
  if (typeof v === "number") return Number.isInteger(v) ? new GoFloat(v) : new GoFloat(v);
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJsonValue(x)]));
  return v as TValue;
}

/** Go's json.Marshal escapes <, > and & as sprig's toJson shows them. */
function goJson(v: TValue, indent?: string, escapeHtml = true): string {
  const s = JSON.stringify(toJsonValue(v), null, indent);
  return escapeHtml ? s.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) : s;
}

function regex(pattern: string): RegExp {
  return new RegExp(pattern, "g");
}

function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase());
}

function indent(n: number, s: string): string {
  const pad = " ".repeat(Math.max(0, n));
  return pad + s.replace(/\n/g, `\n${pad}`);
}

function uniq(l: TValue[]): TValue[] {
  const out: TValue[] = [];
  for (const x of l) if (!out.some((y) => deepEqual(x, y))) out.push(x);
  return out;
}

function seq(...args: TValue[]): string {
  const n = args.map(toInt);
  let start = 1;
  let step = 1;
  let end: number;
  if (n.length === 1) end = n[0] as number;
  else if (n.length === 2) {
    start = n[0] as number;
    end = n[1] as number;
    step = end < start ? -1 : 1;
  } else if (n.length === 3) {
    start = n[0] as number;
    step = n[1] as number;
    end = n[2] as number;
  } else return "";
  if (n.length === 1 && end < 1) step = -1;
  const out: number[] = [];
  if (step === 0) return "";
  for (let i = start; step > 0 ? i <= end : i >= end; i += step) out.push(i);
  return out.join(" ");
}

function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  if (step === 0 || (step > 0 && start >= stop) || (step < 0 && start <= stop)) return out;
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

function dig(...args: TValue[]): TValue {
  const dict = args[args.length - 1];
  const def = args[args.length - 2];
  const keys = args.slice(0, -2).map(str);
  let cur: TValue = dict;
  for (const k of keys) {
    if (!isDict(cur) || !Object.hasOwn(cur, k)) return def;
    cur = cur[k];
  }
  return cur;
}

/** Dagu v2's template function map (the subset this build implements). */
export const templateFuncs: Readonly<Record<string, TFunc>> = {
  // Dagu's overrides (pipeline value last).
  split: (sep, s) => str(s).split(str(sep)),
  join: (sep, v) => {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.map((x) => sprint(x)).join(str(sep));
    throw new Error(`join: unsupported type ${typeof v === "string" ? "string" : typeof v}`);
  },
  count: (v) => {
    if (v === null || v === undefined) return 0;
    if (Array.isArray(v)) return v.length;
    if (isDict(v)) return Object.keys(v).length;
    if (typeof v === "string") return Buffer.byteLength(v);
    throw new Error(`count: unsupported type ${typeof v}`);
  },
  add: (b, a) => toInt(a) + toInt(b),
  empty: (v) => isEmpty(v),
  upper: (s) => str(s).toUpperCase(),
  lower: (s) => str(s).toLowerCase(),
  trim: (s) => str(s).trim(),
  default: (def, val) => (isEmpty(val) ? def : val),
  // slim-sprig: strings
  hello: () => "Hello!",
  trimAll: (cut, s) => {
    const chars = [...str(cut)];
    let t = str(s);
    while (t.length > 0 && chars.includes(t[0] as string)) t = t.slice(1);
    while (t.length > 0 && chars.includes(t[t.length - 1] as string)) t = t.slice(0, -1);
    return t;
  },
  trimall: (cut, s) => (templateFuncs.trimAll as TFunc)(cut, s),
  trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(p) !== "" && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  title: (s) => title(str(s)),
  repeat: (n, s) => str(s).repeat(Math.max(0, toInt(n))),
  substr: (start, end, s) => {
    const t = str(s);
    const a = toInt(start);
    const b = toInt(end);
    if (a < 0) return t.slice(0, b);
    if (b < 0 || b > t.length) return t.slice(a);
    return t.slice(a, b);
  },
  trunc: (n, s) => {
    const c = toInt(n);
    const t = str(s);
    if (c < 0 && t.length + c > 0) return t.slice(t.length + c);
    if (c >= 0 && t.length > c) return t.slice(0, c);
    return t;
  },
  contains: (sub, s) => str(s).includes(str(sub)),
  hasPrefix: (p, s) => str(s).startsWith(str(p)),
  hasSuffix: (p, s) => str(s).endsWith(str(p)),
  replace: (old, nw, s) => str(s).split(str(old)).join(str(nw)),
  quote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => JSON.stringify(str(a))).join(" "),
  squote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => `'${str(a)}'`).join(" "),
  cat: (...args) => goSprint(args.filter((a) => a !== null && a !== undefined)).trim(),
  indent: (n, s) => indent(toInt(n), str(s)),
  nindent: (n, s) => `\n${indent(toInt(n), str(s))}`,
  plural: (one, many, n) => (toInt(n) === 1 ? str(one) : str(many)),
  splitList: (sep, s) => str(s).split(str(sep)),
  splitn: (sep, n, s) => {
    const parts = str(s).split(str(sep));
    const c = toInt(n);
    const head = c > 0 && parts.length > c ? [...parts.slice(0, c - 1), parts.slice(c - 1).join(str(sep))] : parts;
    return Object.fromEntries(head.map((p, i) => [`_${i}`, p]));
  },
  toString: (v: TValue) => str(v),
  toStrings: (v) => list(v).map(str),
  // numbers
  add1: (v) => toInt(v) + 1,
  sub: (a, b) => toInt(a) - toInt(b),
  mul: (a, ...rest) => rest.reduce<number>((p, x) => p * toInt(x), toInt(a)),
  div: (a, b) => {
    if (toInt(b) === 0) throw new Error("runtime error: integer divide by zero");
    return Math.trunc(toInt(a) / toInt(b));
  },
  mod: (a, b) => {
    if (toInt(b) === 0) throw new Error("runtime error: integer divide by zero");
    return toInt(a) % toInt(b);
  },
  max: (a, ...rest) => Math.max(toInt(a), ...rest.map(toInt)),
  biggest: (a, ...rest) => Math.max(toInt(a), ...rest.map(toInt)),
  min: (a, ...rest) => Math.min(toInt(a), ...rest.map(toInt)),
  maxf: (a, ...rest) => new GoFloat(Math.max(toFloat(a), ...rest.map(toFloat))),
  minf: (a, ...rest) => new GoFloat(Math.min(toFloat(a), ...rest.map(toFloat))),
  floor: (v) => new GoFloat(Math.floor(toFloat(v))),
  ceil: (v) => new GoFloat(Math.ceil(toFloat(v))),
  round: (v, p, ...rest) => {
    const m = 10 ** toInt(p);
    const half = rest.length > 0 ? toFloat(rest[0]) : 0.5;
    const x = toFloat(v) * m;
    const r = x - Math.floor(x) >= half ? Math.ceil(x) : Math.floor(x);
    return new GoFloat(r / m);
  },
  int: (v) => toInt(v),
  int64: (v) => toInt(v),
  float64: (v) => new GoFloat(toFloat(v)),
  atoi: (v) => {
    const n = Number.parseInt(str(v), 10);
    return Number.isNaN(n) || !/^[+-]?\d+$/.test(str(v)) ? 0 : n;
  },
  toDecimal: (v) => {
    const n = Number.parseInt(str(v), 8);
    return Number.isNaN(n) ? 0 : n;
  },
  seq: (...args) => seq(...args),
  until: (n) => untilStep(0, toInt(n), toInt(n) >= 0 ? 1 : -1),
  untilStep: (a, b, c) => untilStep(toInt(a), toInt(b), toInt(c)),
  // lists
  list: (...args) => [...args],
  tuple: (...args) => [...args],
  first: (v) => list(v)[0] ?? null,
  mustFirst: (v) => list(v)[0] ?? null,
  last: (v) => list(v)[list(v).length - 1] ?? null,
  mustLast: (v) => list(v)[list(v).length - 1] ?? null,
  rest: (v) => list(v).slice(1),
  mustRest: (v) => list(v).slice(1),
  initial: (v) => list(v).slice(0, -1),
  mustInitial: (v) => list(v).slice(0, -1),
  append: (l, v) => [...list(l), v],
  push: (l, v) => [...list(l), v],
  mustAppend: (l, v) => [...list(l), v],
  mustPush: (l, v) => [...list(l), v],
  prepend: (l, v) => [v, ...list(l)],
  mustPrepend: (l, v) => [v, ...list(l)],
  concat: (...ls) => ls.flatMap((l) => list(l)),
  reverse: (l) => [...list(l)].reverse(),
  mustReverse: (l) => [...list(l)].reverse(),
  uniq: (l) => uniq(list(l)),
  mustUniq: (l) => uniq(list(l)),
  compact: (l) => list(l).filter((x) => !isEmpty(x)),
  mustCompact: (l) => list(l).filter((x) => !isEmpty(x)),
  without: (l, ...omit) => list(l).filter((x) => !omit.some((o) => deepEqual(o, x))),
  mustWithout: (l, ...omit) => list(l).filter((x) => !omit.some((o) => deepEqual(o, x))),
  has: (needle, l) => list(l).some((x) => deepEqual(x, needle)),
  mustHas: (needle, l) => list(l).some((x) => deepEqual(x, needle)),
  sortAlpha: (l) => list(l).map(str).sort(),
  chunk: (size, l) => {
    const n = Math.max(1, toInt(size));
    const src = list(l);
    const out: TValue[][] = [];
    for (let i = 0; i < src.length; i += n) out.push(src.slice(i, i + n));
    return out;
  },
  slice: (l, ...idx) => list(l).slice(idx.length > 0 ? toInt(idx[0]) : 0, idx.length > 1 ? toInt(idx[1]) : undefined),
  mustSlice: (l, ...idx) => list(l).slice(idx.length > 0 ? toInt(idx[0]) : 0, idx.length > 1 ? toInt(idx[1]) : undefined),
  // dicts
  dict: (...kv) => {
    const d: Dict = {};
    for (let i = 0; i < kv.length; i += 2) d[str(kv[i])] = i + 1 < kv.length ? kv[i + 1] : "";
    return d;
  },
  get: (d, k) => (isDict(d) && Object.hasOwn(d, str(k)) ? d[str(k)] : ""),
  set: (d, k, v) => {
    if (isDict(d)) d[str(k)] = v;
    return d;
  },
  unset: (d, k) => {
    if (isDict(d)) delete d[str(k)];
    return d;
  },
  hasKey: (d, k) => isDict(d) && Object.hasOwn(d, str(k)),
  keys: (...ds) => ds.flatMap((d) => (isDict(d) ? Object.keys(d) : [])),
  values: (d) => (isDict(d) ? Object.values(d) : []),
  pick: (d, ...ks) => (isDict(d) ? Object.fromEntries(ks.map(str).filter((k) => Object.hasOwn(d, k)).map((k) => [k, d[k]])) : {}),
  omit: (d, ...ks) => (isDict(d) ? Object.fromEntries(Object.entries(d).filter(([k]) => !ks.map(str).includes(k))) : {}),
  pluck: (k, ...ds) => ds.filter((d) => isDict(d) && Object.hasOwn(d, str(k))).map((d) => (d as Dict)[str(k)]),
  dig: (...args) => dig(...args),
  // logic and types
  coalesce: (...args) => args.find((a) => !isEmpty(a)) ?? null,
  all: (...args) => args.every((a) => !isEmpty(a)),
  any: (...args) => args.some((a) => !isEmpty(a)),
  ternary: (a, b, cond) => (truth(cond) ? a : b),
  fail: (msg) => {
    throw new Error(str(msg));
  },
  deepEqual: (a, b) => deepEqual(a, b),
  kindOf: (v) =>
    v === null || v === undefined ? "invalid" : v instanceof GoFloat ? "float64" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float64") : typeof v === "string" ? "string" : typeof v === "boolean" ? "bool" : Array.isArray(v) ? "slice" : "map",
  kindIs: (k, v) => (templateFuncs.kindOf as TFunc)(v) === str(k),
  typeOf: (v) =>
    v === null || v === undefined ? "<nil>" : v instanceof GoFloat ? "float64" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float64") : typeof v === "string" ? "string" : typeof v === "boolean" ? "bool" : Array.isArray(v) ? "[]interface {}" : "map[string]interface {}",
  typeIs: (t, v) => (templateFuncs.typeOf as TFunc)(v) === str(t),
  typeIsLike: (t, v) => {
    const ty = (templateFuncs.typeOf as TFunc)(v) as string;
    return ty === str(t) || `*${ty}` === str(t);
  },
  // encoding
  b64enc: (s) => Buffer.from(str(s)).toString("base64"),
  b64dec: (s) => Buffer.from(str(s), "base64").toString("utf8"),
  b32enc: (s) => base32(Buffer.from(str(s))),
  sha1sum: (s) => createHash("sha1").update(str(s)).digest("hex"),
  sha256sum: (s) => createHash("sha256").update(str(s)).digest("hex"),
  adler32sum: (s) => String(adler32(Buffer.from(str(s)))),
  toJson: (v) => goJson(v),
  mustToJson: (v) => goJson(v),
  toRawJson: (v) => goJson(v, undefined, false),
  mustToRawJson: (v) => goJson(v, undefined, false),
  toPrettyJson: (v) => goJson(v, "  "),
  mustToPrettyJson: (v) => goJson(v, "  "),
  fromJson: (s) => {
    try {
      return fromJsonValue(JSON.parse(str(s)));
    } catch {
      return {};
    }
  },
  mustFromJson: (s) => fromJsonValue(JSON.parse(str(s))),
  // regex
  regexMatch: (re, s) => new RegExp(str(re)).test(str(s)),
  mustRegexMatch: (re, s) => new RegExp(str(re)).test(str(s)),
  regexFind: (re, s) => new RegExp(str(re)).exec(str(s))?.[0] ?? "",
  mustRegexFind: (re, s) => new RegExp(str(re)).exec(str(s))?.[0] ?? "",
  regexFindAll: (re, s, n) => {
    const all = [...str(s).matchAll(regex(str(re)))].map((m) => m[0]);
    return toInt(n) < 0 ? all : all.slice(0, toInt(n));
  },
  mustRegexFindAll: (re, s, n) => (templateFuncs.regexFindAll as TFunc)(re, s, n),
  regexReplaceAll: (re, s, repl) => str(s).replace(regex(str(re)), str(repl).replace(/\$\{?(\w+)\}?/g, (_m, g: string) => `$<${/^\d+$/.test(g) ? "" : g}>`.replace("$<>", `$${g}`))),
  mustRegexReplaceAll: (re, s, repl) => (templateFuncs.regexReplaceAll as TFunc)(re, s, repl),
  regexReplaceAllLiteral: (re, s, repl) => str(s).replace(regex(str(re)), () => str(repl)),
  mustRegexReplaceAllLiteral: (re, s, repl) => str(s).replace(regex(str(re)), () => str(repl)),
  regexSplit: (re, s, n) => {
    const parts = str(s).split(new RegExp(str(re)));
    return toInt(n) < 0 ? parts : parts.slice(0, toInt(n));
  },
  mustRegexSplit: (re, s, n) => (templateFuncs.regexSplit as TFunc)(re, s, n),
  regexQuoteMeta: (s) => str(s).replace(/[\\.+*?()|[\]{}^$]/g, "\\$&"),
  // paths
  base: (p) => posix.basename(str(p)) || ".",
  dir: (p) => posix.dirname(str(p)),
  ext: (p) => posix.extname(str(p)),
  clean: (p) => posix.normalize(str(p)).replace(/(.)\/$/, "$1"),
  isAbs: (p) => str(p).startsWith("/"),
  osBase: (p) => posix.basename(str(p)) || ".",
  osDir: (p) => posix.dirname(str(p)),
  osExt: (p) => posix.extname(str(p)),
  osClean: (p) => posix.normalize(str(p)).replace(/(.)\/$/, "$1"),
  osIsAbs: (p) => str(p).startsWith("/"),
};

function base32(b: Buffer): string {
  const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alpha[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alpha[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

/** Render `source` with `data`, as v2's executor does. */
export function renderTemplate(source: string, data: TValue): string {
  return new GoTemplate(source, templateFuncs).execute(data);
}

export interface TemplateConfig {
  readonly data: Dict;
  readonly output: string;
}

/** v2's weak decode of `config`: `data` must be a map, `output` a string; other keys are ignored (with a warning). */
export function decodeTemplateConfig(raw: Readonly<Record<string, ConfigValue>>): { config?: TemplateConfig; error?: string; unknown: string[] } {
  let data: Dict = {};
  let output = "";
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const key = k.toLowerCase();
    if (key === "data") {
      if (v === null) continue;
      if (!isDict(v)) return { error: `template: decoding failed due to the following error(s): 'data' expected a map, got '${Array.isArray(v) ? "slice" : typeof v}'`, unknown };
      data = v as Dict;
    } else if (key === "output") {
      if (v === null) continue;
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") output = typeof v === "boolean" ? (v ? "1" : "0") : String(v);
      else return { error: `template: decoding failed due to the following error(s): 'output' expected type 'string', got unconvertible type '${Array.isArray(v) ? "[]interface {}" : "map[string]interface {}"}'`, unknown };
    } else unknown.push(k);
  }
  return { config: { data, output }, unknown };
}

export class TemplateExecutor implements Executor {
  async run(ctx: ExecContext): Promise<ExecResult> {
    const { step } = ctx;
    const decoded = decodeTemplateConfig(step.executor.config);
    if (!decoded.config) return { ok: false, exitCode: 1, error: decoded.error ?? "template: invalid configuration" };
    for (const k of decoded.unknown) {
      ctx.stderr.write(new TextEncoder().encode(`template: warning: unknown config key "${k}" ignored (known: data, output)\n`));
    }
    if (step.script === "") return { ok: false, exitCode: 1, error: "template: script field is required" };
    const { data, output } = decoded.config;
    let text: string;
    try {
      text = renderTemplate(step.script, data);
    } catch (e) {
      if (e instanceof TemplateError) return { ok: false, exitCode: 1, error: `template: ${e.phase === "parse" ? "parse" : "execution"} error: ${e.message}` };
      return { ok: false, exitCode: 1, error: `template: execution error: ${(e as Error).message}` };
    }
    if (output === "") {
      ctx.stdout.write(new TextEncoder().encode(text));
      return { ok: true };
    }
    const file = isAbsolute(output) ? output : join(ctx.workingDir, output);
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o750 });
    } catch (e) {
      return { ok: false, exitCode: 1, error: `template: failed to create output directory: ${(e as Error).message}` };
    }
    const tmp = `${file}.tmp`;
    try {
      writeFileSync(tmp, text, { mode: 0o600 });
    } catch (e) {
      return { ok: false, exitCode: 1, error: `template: failed to write temp file: ${(e as Error).message}` };
    }
    try {
      renameSync(tmp, file);
    } catch (e) {
      rmSync(tmp, { force: true });
      return { ok: false, exitCode: 1, error: `template: failed to rename output file: ${(e as Error).message}` };
    }
    return { ok: true };
  }
}


