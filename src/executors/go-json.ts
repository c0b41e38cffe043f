/**
 * @module executors/go-json
 * What Go's encoding/json and fmt print, for executors whose output Dagu writes with them
 * (`http` with `json: true`, `jq`): the same bytes need the same rules — map keys sorted,
 * `<`, `>`, `&`, U+2028/U+2029 escaped, Go's float formats — and the same error texts for
 * malformed JSON (Go's scanner messages), since those end up in the step's error.
 */

/** A value as JSON.parse returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** Go's quoteChar: the offending byte as Go's scanner errors show it. */
function quoteByte(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r" };
  return `'${named[c] ?? `\\x${c.toString(16).padStart(2, "0")}`}'`;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/**
 * The error Go's json.Unmarshal reports for malformed input, or undefined when the text is
 * one valid JSON value. A transcription of the state machine in encoding/json/scanner.go,
 * run over the UTF-8 bytes (Go reports bytes, not characters).
 */
export function goJsonSyntaxError(text: string): string | undefined {
  const b = new TextEncoder().encode(text);
  const stack: ("key" | "value" | "array")[] = [];
  let i = 0;
  const err = (c: number, ctx: string): string => `invalid character ${quoteByte(c)} ${ctx}`;
  const eof = "unexpected end of JSON input";
  const skip = (): void => {
    while (i < b.length && isSpace(b[i] as number)) i++;
  };

  // Returns an error text, or undefined after consuming one value.
  const value = (): string | undefined => {
    skip();
    if (i >= b.length) return eof;
    const c = b[i] as number;
    if (c === 0x7b /* { */) {
      i++;
      skip();
      if (i >= b.length) return eof;
      if (b[i] === 0x7d) {
        i++;
        return undefined;
      }
      for (;;) {
        skip();
        if (i >= b.length) return eof;
        if (b[i] !== 0x22) return err(b[i] as number, "looking for beginning of object key string");
        stack.push("key");
        const e = string();
        if (e) return e;
        skip();
        if (i >= b.length) return eof;
        if (b[i] !== 0x3a) return err(b[i] as number, "after object key");
        i++;
        stack.pop();
        stack.push("value");
        const ev = value();
        if (ev) return ev;
        stack.pop();
        skip();
        if (i >= b.length) return eof;
        if (b[i] === 0x2c) {
          i++;
          continue;
        }
        if (b[i] === 0x7d) {
          i++;
          return undefined;
        }
        return err(b[i] as number, "after object key:value pair");
      }
    }
    if (c === 0x5b /* [ */) {
      i++;
      skip();
      if (i >= b.length) return eof;
      if (b[i] === 0x5d) {
        i++;
        return undefined;
      }
      stack.push("array");
      for (;;) {
        const e = value();
        if (e) return e;
        skip();
        if (i >= b.length) return eof;
        if (b[i] === 0x2c) {
          i++;
          continue;
        }
        if (b[i] === 0x5d) {
          i++;
          stack.pop();
          return undefined;
        }
        return err(b[i] as number, "after array element");
      }
    }
    if (c === 0x22) return string();
    if (c === 0x2d || isDigit(c)) return number();
    for (const lit of ["true", "false", "null"]) {
      if (c !== lit.charCodeAt(0)) continue;
      i++;
      for (let k = 1; k < lit.length; k++, i++) {
        if (i >= b.length) return eof;
        if (b[i] !== lit.charCodeAt(k)) return err(b[i] as number, `in literal ${lit} (expecting '${lit[k]}')`);
      }
      return undefined;
    }
    return err(c, "looking for beginning of value");
  };

  const string = (): string | undefined => {
    i++; // opening quote
    for (;;) {
      if (i >= b.length) return eof;
      const c = b[i++] as number;
      if (c === 0x22) return undefined;
      if (c < 0x20) return err(c, "in string literal");
      if (c !== 0x5c) continue;
      if (i >= b.length) return eof;
      const e = b[i++] as number;
      if (e === 0x75 /* u */) {
        for (let k = 0; k < 4; k++, i++) {
          if (i >= b.length) return eof;
          if (!isHex(b[i] as number)) return err(b[i] as number, "in \\u hexadecimal character escape");
        }
      } else if (!"bfnrt\\/\"".includes(String.fromCharCode(e))) return err(e, "in string escape code");
    }
  };

  // Go checks what follows a number only as the start of the next token, so a number ends
  // at the first byte that cannot continue it.
  const number = (): string | undefined => {
    if (b[i] === 0x2d) {
      i++;
      if (i >= b.length) return eof;
      if (!isDigit(b[i] as number)) return err(b[i] as number, "in numeric literal");
    }
    if (b[i] === 0x30) i++;
    else while (i < b.length && isDigit(b[i] as number)) i++;
    if (i < b.length && b[i] === 0x2e) {
      i++;
      if (i >= b.length) return eof;
      if (!isDigit(b[i] as number)) return err(b[i] as number, "after decimal point in numeric literal");
      while (i < b.length && isDigit(b[i] as number)) i++;
    }
    if (i < b.length && (b[i] === 0x65 || b[i] === 0x45)) {
      i++;
      if (i < b.length && (b[i] === 0x2b || b[i] === 0x2d)) i++;
      if (i >= b.length) return eof;
      if (!isDigit(b[i] as number)) return err(b[i] as number, "in exponent of numeric literal");
      while (i < b.length && isDigit(b[i] as number)) i++;
    }
    return undefined;
  };

  const e = value();
  if (e) return e;
  skip();
  if (i < b.length) return err(b[i] as number, "after top-level value");
  return undefined;
}

/** Go's json.Unmarshal into `any`: its error text, or the value. */
export function goJsonParse(text: string): { ok: true; value: JsonValue } | { ok: false; error: string } {
  const error = goJsonSyntaxError(text);
  if (error) return { ok: false, error };
  return { ok: true, value: JSON.parse(text) as JsonValue };
}

/** Go orders map keys by their UTF-8 bytes, which is code point order (not UTF-16 order). */
export function goKeyCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** encoding/json's float64 text: 'f' format, or 'e' outside [1e-6, 1e21) with `e-07` → `e-7`. */
export function goJsonNumber(n: number): string {
  if (Object.is(n, -0)) return "-0";
  // JS switches to exponent form at the same bounds and prints the same shortest digits.
  return String(n);
}

/**
 * fmt's `%v` for a float64 (what Dagu's jq prints for a number in raw mode): strconv's
 * shortest 'g' format, whose exponent form starts at exp < -4 or exp >= 6 — so a million
 * prints as `1e+06` (checked against Dagu 1.30.2).
 */
export function goFormatFloatV(n: number): string {
  if (Object.is(n, -0)) return "-0";
  if (n === 0) return "0";
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "+Inf" : "-Inf";
  const [mant = "", expText = "0"] = n.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${abs < 10 ? `0${abs}` : abs}`;
  }
  // Within these bounds JS prints the same shortest digits without an exponent.
  return String(n);
}

function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c < 0x20) {
      const short: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r" };
      out += short[c] ?? `\\u00${c.toString(16).padStart(2, "0")}`;
    } else if (c === 0x3c) out += "\\u003c";
    else if (c === 0x3e) out += "\\u003e";
    else if (c === 0x26) out += "\\u0026";
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate is invalid UTF-8 to Go, which writes U+FFFD in its place.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += s[i] + (s[i + 1] as string);
        i++;
      } else out += "\\ufffd";
    } else out += s[i];
  }
  return `${out}"`;
}

/**
 * json.Marshal (indent "") or json.MarshalIndent(v, "", indent) of a decoded value:
 * object keys sorted, HTML characters escaped, Go's number text. With `sortKeys` false the
 * objects keep their key order: a Go struct's fields (the caller sorts its map fields).
 */
export function goMarshal(v: JsonValue, indent = "", sortKeys = true): string {
  const nl = indent === "" ? "" : "\n";
  const colon = indent === "" ? ":" : ": ";
  const walk = (x: JsonValue, depth: number): string => {
    if (x === null) return "null";
    if (typeof x === "string") return goQuote(x);
    if (typeof x === "number") return goJsonNumber(x);
    if (typeof x === "boolean") return x ? "true" : "false";
    const pad = nl + indent.repeat(depth + 1);
    const end = nl + indent.repeat(depth);
    if (Array.isArray(x)) {
      if (x.length === 0) return "[]";
      return `[${x.map((e) => pad + walk(e, depth + 1)).join(",")}${end}]`;
    }
    const keys = sortKeys ? Object.keys(x).sort(goKeyCompare) : Object.keys(x);
    if (keys.length === 0) return "{}";
    return `{${keys.map((k) => pad + goQuote(k) + colon + walk(x[k] as JsonValue, depth + 1)).join(",")}${end}}`;
  };
  return walk(v, 0);
}

/** A config value as Dagu's YAML layer hands it to mapstructure. */
export type ConfigInput = string | number | boolean | null | readonly ConfigInput[] | { readonly [k: string]: ConfigInput };

/** The Go type name mapstructure prints for a decoded YAML value. */
export function goTypeName(v: ConfigInput): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  // The YAML decoder gives uint64 for non-negative integers, int64 for negative ones.
  if (typeof v === "number") return Number.isInteger(v) ? (v >= 0 ? "uint64" : "int64") : "float64";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** strconv.FormatFloat(f, 'f', -1, 64): shortest digits, never an exponent. */
export function goFormatFloatF(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return Object.is(n, -0) ? "-0" : String(n);
  const s = n.toExponential();
  const [mant = "", expText = "0"] = s.split("e");
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  const exp = Number(expText);
  let out: string;
  if (exp >= digits.length - 1) out = digits + "0".repeat(exp - digits.length + 1);
  else if (exp >= 0) out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else out = `0.${"0".repeat(-exp - 1)}${digits}`;
  return (neg ? "-" : "") + out;
}

/** The kinds of struct field the executors' configs declare. */
export type GoFieldKind = "int" | "bool" | "string" | "map[string]string";

export interface GoField {
  /** The name mapstructure matches (case-insensitively) and prints in errors. */
  readonly name: string;
  readonly kind: GoFieldKind;
}

/** Decoded config: field name → value (absent when the key was missing or null). */
export type WeakDecoded = Record<string, number | boolean | string | Record<string, string>>;

const goIntSyntax = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)$/;

/** strconv.ParseInt(s, 0, 64). */
function parseGoInt(s: string): number | "syntax" | "range" {
  if (!goIntSyntax.test(s)) return "syntax";
  const neg = s.startsWith("-");
  let body = s.replace(/^[+-]/, "").replaceAll("_", "");
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  const big = BigInt(body) * (neg ? -1n : 1n);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return "range";
  return Number(big);
}

const goTrue = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const goFalse = new Set(["0", "f", "F", "FALSE", "false", "False"]);

function decodeScalar(name: string, kind: "int" | "bool" | "string", v: ConfigInput, errors: string[]): number | boolean | string | undefined {
  const unconvertible = (): undefined => {
    errors.push(`'${name}' expected type '${kind}', got unconvertible type '${goTypeName(v)}'`);
    return undefined;
  };
  if (kind === "int") {
    if (typeof v === "number") return Math.trunc(v);
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "string") {
      if (v === "") return 0;
      const r = parseGoInt(v);
      if (typeof r === "number") return r;
      errors.push(`'${name}' cannot parse value as 'int': strconv.ParseInt: ${r === "syntax" ? "invalid syntax" : "value out of range"}`);
      return undefined;
    }
    return unconvertible();
  }
  if (kind === "bool") {
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    if (typeof v === "string") {
      if (v === "" || goFalse.has(v)) return false;
      if (goTrue.has(v)) return true;
      errors.push(`'${name}' cannot parse value as 'bool': strconv.ParseBool: invalid syntax`);
      return undefined;
    }
    return unconvertible();
  }
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFormatFloatF(v);
  return unconvertible();
}

function decodeStringMap(name: string, v: ConfigInput, errors: string[], into: Record<string, string> = {}): Record<string, string> | undefined {
  if (Array.isArray(v)) {
    // WeaklyTypedInput merges a list of maps into one map.
    (v as readonly ConfigInput[]).forEach((e, i) => {
      if (e !== null) decodeStringMap(`${name}[${i}]`, e, errors, into);
    });
    return into;
  }
  if (v === null || typeof v !== "object") {
    errors.push(`'${name}' expected type 'map[string]string', got unconvertible type '${goTypeName(v)}'`);
    return undefined;
  }
  for (const [k, x] of Object.entries(v as { readonly [k: string]: ConfigInput })) {
    const s = x === null ? "" : decodeScalar(`${name}[${k}]`, "string", x, errors);
    if (s !== undefined) into[k] = s as string;
  }
  return into;
}

/**
 * mapstructure.Decode with WeaklyTypedInput (how Dagu 1.30 reads an executor's `config`):
 * keys match field names case-insensitively, unknown keys are ignored, strings convert to
 * numbers and booleans ("5", "true", "1"), numbers and booleans to strings. Errors are
 * collected in field order and reported together, in mapstructure's words.
 */
export function weakDecode(config: Readonly<Record<string, ConfigInput>>, fields: readonly GoField[]): { values: WeakDecoded; error?: string } {
  const values: WeakDecoded = {};
  const errors: string[] = [];
  const keys = Object.keys(config);
  for (const f of fields) {
    const key = Object.hasOwn(config, f.name) ? f.name : keys.find((k) => k.toLowerCase() === f.name.toLowerCase());
    if (key === undefined) continue;
    const v = config[key] as ConfigInput;
    if (v === null) continue;
    const d = f.kind === "map[string]string" ? decodeStringMap(f.name, v, errors) : decodeScalar(f.name, f.kind, v, errors);
    if (d !== undefined) values[f.name] = d;
  }
  if (errors.length === 0) return { values };
  return { values, error: `decoding failed due to the following error(s):\n\n${errors.join("\n")}` };
}
