/**
 * @module spec/yaml-fast
 * The quick way to read a DAG file: Bun's native YAML parser (about 50× faster than the
 * `yaml` package on a 200-step file) for the plain, single-document files nearly every DAG
 * is. It gives values without positions, so nodes carry line 0; a caller that finds any
 * problem parses again with spec/yaml-nodes.ts to point at it. Whatever the native parser
 * would read differently from the located one makes this return undefined instead: several
 * documents, duplicate keys (it keeps the last; Dagu refuses them), `1_000`, integral floats
 * such as `1.0` (an `int` field must reject them), `.inf`, tags, merge keys, tabs, flow maps,
 * multi-line quoted or flow values, complex keys, directives, and integer or null keys.
 */
import type { Pos, ScalarValue, YamlDocuments, YEntry, YNode } from "./yaml-nodes.ts";

const origin: Pos = { line: 0, col: 0 };

/** A key line: indent, list dashes, the key (plain or quoted), then `:` and a blank or the end. */
const keyLine = /^( *)((?:- +)*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?) *:(?: +(.*))?$/;
const listItem = /^( *)((?:- *)+)(.*)$/;
const blockScalar = /^[|>][-+0-9]*\s*(?:#.*)?$/;

/** A value that may continue on later lines in a way the line scan cannot follow. */
function opensMultiLine(value: string): boolean {
  const v = value.trim();
  if (v.startsWith("{")) return true;
  // A one-line flow list is fine, unless it holds maps (their keys are not checked).
  if (v.startsWith("[")) return v.includes("{") || !/\]\s*(?:#.*)?$/.test(v);
  if (v.startsWith('"')) return !/^"(?:[^"\\]|\\.)*"\s*(?:#.*)?$/.test(v);
  if (v.startsWith("'")) return !/^'(?:[^']|'')*'\s*(?:#.*)?$/.test(v);
  return false;
}

function unquote(key: string): string {
  if (key.startsWith('"')) return JSON.parse(key) as string;
  if (key.startsWith("'")) return key.slice(1, -1).replaceAll("''", "'");
  return key.trimEnd();
}

/** True when the text is plain enough for the native parser (see the module note). */
export function fastEligible(text: string): boolean {
  // Merge keys: the order of merged entries is the located parser's to decide.
  if (text.includes("\t") || text.includes("<<") || /^(?:---|\.\.\.|%)/m.test(text) || /\.(?:inf|nan)\b/i.test(text)) return false;
  // Tags (`!!int "10"`): the native parser keeps the string.
  if (/(?:^|[:,[-])\s*!!?[A-Za-z<]/m.test(text)) return false;
  // `1_000` (an int to Dagu, a string to Bun) and integral floats (`1.0`, `2e3`).
  if (/[0-9]_[0-9]/.test(text) || /(?:^|[\s:,[-])[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)(?=\s*(?:$|[,\]#]))/m.test(text)) {
    return false;
  }
  const scopes: { col: number; keys: Set<string> }[] = [];
  let blockIndent = -1;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      // Inside a `|`/`>` block: its lines are text, whatever they look like.
      if (line.trim() === "" || indent > blockIndent) continue;
      blockIndent = -1;
    }
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (trimmed.startsWith("?") || trimmed.startsWith("{") || trimmed.startsWith("[")) return false;
    const m = keyLine.exec(line);
    if (m) {
      const dashes = m[2] as string;
      const col = (m[1] as string).length + dashes.length;
      const key = unquote(m[3] as string);
      const value = m[4] ?? "";
      if (/^-?[0-9]+$/.test(key) || /^(?:null|~|)$/i.test(key)) return false;
      if (opensMultiLine(value)) return false;
      while (scopes.length > 0 && (scopes.at(-1) as { col: number }).col > col) scopes.pop();
      // `- key:` starts a new mapping (a new list item) at the key's column.
      if (dashes !== "" && scopes.at(-1)?.col === col) scopes.pop();
      let top = scopes.at(-1);
      if (top === undefined || top.col !== col) {
        top = { col, keys: new Set() };
        scopes.push(top);
      }
      if (top.keys.has(key)) return false;
      top.keys.add(key);
      // Block text must be indented past its key's mapping.
      if (blockScalar.test(value.trim())) blockIndent = col;
      continue;
    }
    const item = listItem.exec(line);
    if (item) {
      const col = (item[1] as string).length;
      while (scopes.length > 0 && (scopes.at(-1) as { col: number }).col > col) scopes.pop();
      const value = item[3] as string;
      if (opensMultiLine(value)) return false;
      if (blockScalar.test(value.trim())) blockIndent = col;
      continue;
    }
    // A continuation of a plain multi-line scalar: only text, no keys.
    if (/:(?: |$)/.test(trimmed) && !/^["']/.test(trimmed)) return false;
  }
  return true;
}

function toNode(v: unknown): YNode {
  if (Array.isArray(v)) return { kind: "seq", pos: origin, items: v.map(toNode) };
  if (v !== null && typeof v === "object" && !(v instanceof Date)) {
    const entries: YEntry[] = Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, keyPos: origin, value: toNode(value) }));
    return { kind: "map", pos: origin, entries };
  }
  let value: ScalarValue;
  if (v === undefined || v === null) value = null;
  else if (typeof v === "number") value = Number.isFinite(v) ? v : null;
  else if (typeof v === "string" || typeof v === "boolean") value = v;
  else value = String(v);
  return { kind: "scalar", pos: origin, value, isFloat: typeof value === "number" && !Number.isInteger(value) };
}

/** The file's one document as unlocated nodes, or undefined when only the located parser will do. */
export function fastYamlDocuments(source: string): YamlDocuments | undefined {
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  if (!fastEligible(text)) return undefined;
  let value: unknown;
  try {
    value = Bun.YAML.parse(text);
  } catch {
    return undefined;
  }
  // An empty or null document is an error to report with the located parser's reading.
  if (value === null || value === undefined) return undefined;
  return { docs: [toNode(value)], problems: [] };
}
