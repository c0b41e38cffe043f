/**
 * @module core/param-syntax
 * Dagu's parameter string syntax, parsed without evaluating anything: `NAME=value` and
 * positional tokens (double quotes keep spaces, `\"` escapes a quote, backtick groups stay
 * whole), or a JSON object or array. Positional params are named "1", "2", … by their index
 * among all params. Used by the spec parser, the CLI's `-- params` and run-time resolution.
 */
import type { ParamPair } from "./dag.ts";

/** A parameter token before numbering: `name` is "" for positional ones. */
export interface RawParam {
  readonly name: string;
  readonly value: string;
}

const paramPattern = /(?:([^\s=]+)=)?("(?:\\"|[^"])*"|`(?:\\"|[^"]*)`|[^"\s]+)/g;

function jsonToRaw(v: unknown): RawParam[] | undefined {
  const str = (x: unknown): string => (typeof x === "string" ? x : goValue(x));
  if (Array.isArray(v)) {
    return v.flatMap((item): RawParam[] =>
      item !== null && typeof item === "object" && !Array.isArray(item)
        ? sortedEntries(item as Record<string, unknown>).map(([k, x]) => ({ name: k, value: str(x) }))
        : [{ name: "", value: str(item) }],
    );
  }
  if (v !== null && typeof v === "object") return sortedEntries(v as Record<string, unknown>).map(([k, x]) => ({ name: k, value: str(x) }));
  return undefined;
}

function sortedEntries(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Go's `%v` for JSON-decoded values. */
function goValue(x: unknown): string {
  if (x === null || x === undefined) return "<nil>";
  if (Array.isArray(x)) return `[${x.map(goValue).join(" ")}]`;
  if (typeof x === "object") return `map[${sortedEntries(x as Record<string, unknown>).map(([k, v]) => `${k}:${goValue(v)}`).join(" ")}]`;
  return String(x);
}

/** Parse a params string (`"a b K=V"`, or JSON). */
export function parseParamString(input: string): RawParam[] {
  const s = input.trim();
  if ((s.startsWith("{") && s.endsWith("}")) || (s.startsWith("[") && s.endsWith("]"))) {
    try {
      const fromJson = jsonToRaw(JSON.parse(s));
      if (fromJson) return fromJson;
    } catch {
      // Not JSON after all: fall through to the token syntax.
    }
  }
  const out: RawParam[] = [];
  for (const m of s.matchAll(paramPattern)) {
    let value = m[2] ?? "";
    if (value.startsWith('"')) value = value.replace(/^"+|"+$/g, "").replaceAll('\\"', '"');
    out.push({ name: m[1] ?? "", value });
  }
  return out;
}

/** Number the params: positional ones are named by their 1-based index among all params. */
export function numberParams(raw: readonly RawParam[]): ParamPair[] {
  return raw.map((p, i) => (p.name === "" ? { name: String(i + 1), value: p.value, positional: true } : { name: p.name, value: p.value, positional: false }));
}

/**
 * Apply overrides as `dagu start -- …` does. Both sides are numbered first, so a positional
 * override replaces the param with the same number ("1", "2", …) and a named one replaces by
 * name; anything unmatched is appended.
 */
export function overrideParams(base: readonly ParamPair[], overrides: readonly RawParam[]): ParamPair[] {
  const out = [...base];
  const byName = new Map(out.map((p, i) => [p.name, i] as const));
  for (const o of numberParams(overrides)) {
    const at = byName.get(o.name);
    if (at !== undefined) out[at] = o;
    else {
      byName.set(o.name, out.length);
      out.push(o);
    }
  }
  return out;
}

/** Go's `%q`: the quoting Dagu uses when it writes params back as a string. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, "\\x$1");
}

/** `K="v" "positional"`: how Dagu renders params as one string (defaultParams, sub-DAG params). */
export function escapeParams(params: readonly RawParam[]): string {
  return params.map((p) => (p.name ? `${p.name}=${goQuote(p.value)}` : goQuote(p.value))).join(" ");
}
