/**
 * @module spec/node-reader
 * Typed reads from located YAML nodes with Dagu's (mapstructure's) strictness: a string field
 * takes only strings, an int field takes numbers (floats truncate) but not strings, keys match
 * case-insensitively, unknown keys are errors. Every problem is recorded with its position;
 * reading goes on so that one pass reports them all.
 */
import type { SpecIssue } from "../core/errors.ts";
import { goString, type Pos, type YEntry, type YMap, type YNode } from "./yaml-nodes.ts";

/** Collects the problems of one file. */
export class IssueList {
  readonly items: SpecIssue[] = [];
  constructor(readonly file: string) {}

  add(pos: Pos, field: string, message: string): void {
    this.items.push({ file: this.file, line: pos.line, col: pos.col, field, message });
  }

  get size(): number {
    return this.items.length;
  }
}

export function describe(node: YNode): string {
  if (node.kind === "map") return "a map";
  if (node.kind === "seq") return "a list";
  const v = node.value;
  if (v === null) return "null";
  if (typeof v === "number") return node.isFloat ? `a number (${v})` : `an integer (${v})`;
  if (typeof v === "boolean") return `a boolean (${v})`;
  return `a string ("${v.length > 40 ? `${v.slice(0, 40)}…` : v}")`;
}

export function isNull(node: YNode | undefined): boolean {
  return node === undefined || (node.kind === "scalar" && node.value === null);
}

export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Reads one YAML map against a fixed set of keys. */
export class MapReader {
  private readonly byKey = new Map<string, YEntry>();

  constructor(
    readonly node: YMap,
    readonly path: string,
    readonly issues: IssueList,
    allowed: readonly string[],
    opts: { caseInsensitive?: boolean; unknownMessage?: (key: string) => string } = {},
  ) {
    const ci = opts.caseInsensitive ?? true;
    const canon = new Map(allowed.map((k) => [ci ? k.toLowerCase() : k, k]));
    for (const e of node.entries) {
      const name = canon.get(ci ? e.key.toLowerCase() : e.key);
      if (name === undefined) {
        issues.add(e.keyPos, join(path, e.key), opts.unknownMessage?.(e.key) ?? `unknown key "${e.key}"`);
        continue;
      }
      const prior = this.byKey.get(name);
      if (prior) {
        issues.add(e.keyPos, join(path, e.key), `duplicate key: "${e.key}" and "${prior.key}" name the same field (keys are case-insensitive)`);
        continue;
      }
      this.byKey.set(name, e);
    }
  }

  /** Canonical names of the keys this map sets (null values included). */
  keys(): Set<string> {
    return new Set(this.byKey.keys());
  }

  has(key: string): boolean {
    return !isNull(this.byKey.get(key)?.value);
  }

  /** The raw node, or undefined when absent or null. */
  get(key: string): YNode | undefined {
    const n = this.byKey.get(key)?.value;
    return isNull(n) ? undefined : n;
  }

  at(key: string): string {
    return join(this.path, key);
  }

  error(key: string, message: string): void {
    const n = this.byKey.get(key);
    this.issues.add(n?.value.pos ?? this.node.pos, this.at(key), message);
  }

  string(key: string): string | undefined {
    return readString(this.get(key), this.at(key), this.issues);
  }

  int(key: string): number | undefined {
    return readInt(this.get(key), this.at(key), this.issues);
  }

  float(key: string): number | undefined {
    const n = this.get(key);
    if (n === undefined) return undefined;
    if (n.kind === "scalar" && typeof n.value === "number") return n.value;
    this.issues.add(n.pos, this.at(key), `must be a number, got ${describe(n)}`);
    return undefined;
  }

  bool(key: string): boolean | undefined {
    const n = this.get(key);
    if (n === undefined) return undefined;
    if (n.kind === "scalar" && typeof n.value === "boolean") return n.value;
    this.issues.add(n.pos, this.at(key), `must be true or false, got ${describe(n)}`);
    return undefined;
  }

  /** A string or a list whose items are stringified (`depends`, `tags`, `dotenv`, mail `to`). */
  stringOrList(key: string): string[] | undefined {
    return readStringOrList(this.get(key), this.at(key), this.issues);
  }

  /** A list of strings, each item strictly a string. */
  stringList(key: string): string[] | undefined {
    const n = this.get(key);
    if (n === undefined) return undefined;
    if (n.kind !== "seq") {
      this.issues.add(n.pos, this.at(key), `must be a list of strings, got ${describe(n)}`);
      return undefined;
    }
    const out: string[] = [];
    n.items.forEach((item, i) => {
      const s = readString(item, join(this.at(key), i), this.issues);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  intList(key: string): number[] | undefined {
    const n = this.get(key);
    if (n === undefined) return undefined;
    if (n.kind !== "seq") {
      this.issues.add(n.pos, this.at(key), `must be a list of integers, got ${describe(n)}`);
      return undefined;
    }
    const out: number[] = [];
    n.items.forEach((item, i) => {
      const v = readInt(item, join(this.at(key), i), this.issues);
      if (v !== undefined) out.push(v);
    });
    return out;
  }

  /** A map of string → string (`workerSelector`, secret `options`). */
  stringMap(key: string): Record<string, string> | undefined {
    const n = this.get(key);
    if (n === undefined) return undefined;
    if (n.kind !== "map") {
      this.issues.add(n.pos, this.at(key), `must be a map of strings, got ${describe(n)}`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const e of n.entries) {
      const s = readString(isNull(e.value) ? undefined : e.value, join(this.at(key), e.key), this.issues);
      out[e.key] = s ?? "";
    }
    return out;
  }

  /** A nested struct: must be a map (null counts as absent). */
  map(key: string): YMap | undefined {
    const n = this.get(key);
    if (n === undefined) return undefined;
    if (n.kind === "map") return n;
    this.issues.add(n.pos, this.at(key), `must be a map, got ${describe(n)}`);
    return undefined;
  }
}

export function readString(n: YNode | undefined, path: string, issues: IssueList): string | undefined {
  if (isNull(n) || n === undefined) return undefined;
  if (n.kind === "scalar" && typeof n.value === "string") return n.value;
  issues.add(n.pos, path, `must be a string, got ${describe(n)}`);
  return undefined;
}

const maxInt64 = 9223372036854775807;

export function readInt(n: YNode | undefined, path: string, issues: IssueList): number | undefined {
  if (isNull(n) || n === undefined) return undefined;
  if (n.kind === "scalar" && typeof n.value === "number" && Number.isFinite(n.value)) {
    if (Math.abs(n.value) > maxInt64) {
      issues.add(n.pos, path, `integer ${n.value} is out of range`);
      return undefined;
    }
    return Math.trunc(n.value);
  }
  issues.add(n.pos, path, `must be an integer, got ${describe(n)}`);
  return undefined;
}

export function readStringOrList(n: YNode | undefined, path: string, issues: IssueList): string[] | undefined {
  if (isNull(n) || n === undefined) return undefined;
  if (n.kind === "scalar" && typeof n.value === "string") return [n.value];
  if (n.kind === "seq") return n.items.map((i) => (i.kind === "scalar" && typeof i.value === "string" ? i.value : goString(i)));
  issues.add(n.pos, path, `must be a string or a list of strings, got ${describe(n)}`);
  return undefined;
}
