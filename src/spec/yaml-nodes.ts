/**
 * @module spec/yaml-nodes
 * YAML text → documents of located nodes: every map, list and scalar keeps its line and
 * column so that validation errors can point at the field. Anchors, aliases and `<<` merge
 * keys are resolved here; YAML syntax errors become located issues.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node as YamlNode, parseAllDocuments, type ScalarTag } from "yaml";

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type ScalarValue = string | number | boolean | null;

export interface YScalar {
  readonly kind: "scalar";
  readonly pos: Pos;
  readonly value: ScalarValue;
  /** True when the source wrote a float (`1.0`, `1e3`), so `int` fields can tell. */
  readonly isFloat: boolean;
}

export interface YEntry {
  readonly key: string;
  readonly keyPos: Pos;
  readonly value: YNode;
}

export interface YMap {
  readonly kind: "map";
  readonly pos: Pos;
  readonly entries: readonly YEntry[];
}

export interface YSeq {
  readonly kind: "seq";
  readonly pos: Pos;
  readonly items: readonly YNode[];
}

export type YNode = YScalar | YMap | YSeq;

export interface YamlProblem {
  readonly pos: Pos;
  readonly message: string;
}

export interface YamlDocuments {
  /** One root node per non-empty document; `null` for an empty document. */
  readonly docs: readonly (YNode | null)[];
  readonly problems: readonly YamlProblem[];
}

const origin: Pos = { line: 0, col: 0 };

/** Dagu's YAML reader takes `1_000` as an integer; YAML 1.2's core schema would make it a string. */
const underscoreInt: ScalarTag = {
  identify: (v) => typeof v === "number",
  default: true,
  tag: "tag:yaml.org,2002:int",
  test: /^[-+]?[0-9][0-9_]*$/,
  resolve: (str) => Number(str.replaceAll("_", "")),
};

/** Parse every `---`-separated document of a YAML stream into located nodes. */
export function parseYamlDocuments(source: string): YamlDocuments {
  const lineCounter = new LineCounter();
  // A UTF-8 byte-order mark is dropped (Dagu 1.30 would read it as part of the first key).
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const parsed = parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true, customTags: [underscoreInt] });
  const documents: readonly Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  const problems: YamlProblem[] = [];
  const posOf = (offset: number | undefined): Pos => {
    if (offset === undefined) return origin;
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const docs: (YNode | null)[] = [];
  for (const doc of documents) {
    for (const e of doc.errors) problems.push({ pos: posOf(e.pos[0]), message: e.message.split("\n")[0] ?? e.message });
    if (doc.errors.length > 0) continue;
    const root = doc.contents ? convert(doc.contents as YamlNode, doc, posOf, new Set()) : null;
    docs.push(root && !(root.kind === "scalar" && root.value === null) ? root : null);
  }
  return { docs, problems };
}

function convert(node: YamlNode, doc: Document.Parsed, posOf: (o: number | undefined) => Pos, resolving: Set<YamlNode>): YNode {
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target || resolving.has(target)) return { kind: "scalar", pos: posOf(node.range?.[0]), value: null, isFloat: false };
    resolving.add(target);
    const out = convert(target, doc, posOf, resolving);
    resolving.delete(target);
    return out;
  }
  const pos = posOf(node.range?.[0]);
  if (isScalar(node)) {
    const v = node.value;
    const value: ScalarValue =
      v === null || v === undefined ? null : typeof v === "bigint" ? Number(v) : typeof v === "object" ? String(v) : (v as ScalarValue);
    const isFloat = typeof value === "number" && (node.format === "EXP" || /[.eE]|inf|nan/i.test(node.source ?? ""));
    return { kind: "scalar", pos, value, isFloat };
  }
  if (isSeq(node)) {
    return { kind: "seq", pos, items: node.items.map((i) => convert(i as YamlNode, doc, posOf, resolving)) };
  }
  if (isMap(node)) {
    const own: YEntry[] = [];
    const merged: YEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const keyPos = posOf(keyNode?.range?.[0]);
      const isMergeKey = keyNode !== null && isScalar(keyNode) && (keyNode.value === "<<" || typeof keyNode.value === "symbol");
      const keyText = keyNode && isScalar(keyNode) ? String(keyNode.value ?? "") : "";
      if (isMergeKey && pair.value) {
        // Merge key: earlier sources win, keys written in the map itself always win.
        const src = convert(pair.value as YamlNode, doc, posOf, resolving);
        const sources = src.kind === "seq" ? src.items : [src];
        for (const s of sources) if (s.kind === "map") for (const e of s.entries) merged.push(e);
        continue;
      }
      const value: YNode = pair.value
        ? convert(pair.value as YamlNode, doc, posOf, resolving)
        : { kind: "scalar", pos: keyPos, value: null, isFloat: false };
      own.push({ key: keyText, keyPos, value });
    }
    const seen = new Set(own.map((e) => e.key));
    const entries = [...own];
    for (const e of merged) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      entries.push(e);
    }
    return { kind: "map", pos, entries };
  }
  return { kind: "scalar", pos, value: null, isFloat: false };
}

/** Plain JS value of a node (for executor `config` maps and JSON output). */
export function toPlain(node: YNode): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "seq":
      return node.items.map(toPlain);
    case "map":
      return Object.fromEntries(node.entries.map((e) => [e.key, toPlain(e.value)]));
  }
}

/** How Go's `fmt.Sprintf("%v")` prints a decoded YAML value: Dagu stringifies env and param values this way. */
export function goString(node: YNode): string {
  switch (node.kind) {
    case "scalar":
      return node.value === null ? "<nil>" : String(node.value);
    case "seq":
      return `[${node.items.map(goString).join(" ")}]`;
    case "map":
      return `map[${[...node.entries].sort((a, b) => (a.key < b.key ? -1 : 1)).map((e) => `${e.key}:${goString(e.value)}`).join(" ")}]`;
  }
}
