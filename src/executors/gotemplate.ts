/**
 * @module executors/gotemplate
 * A Go `text/template` interpreter for the subset Dagu v2's `template` step documents and
 * tests: text and `{{ }}` actions with `{{-`/`-}}` trimming and comments; pipelines with `|`;
 * fields (`.a.b`, `$x.a`, `$`), variables (`:=`, `=`), string/raw/char/number/bool/nil
 * literals and parentheses; `if`/`else if`/`else`, `range` (lists, maps in key order,
 * integers; `$i, $e :=`; `break`/`continue`), `with`/`else with`; Go's builtins (and, or,
 * not, len, index, slice, print, printf, println, eq, ne, lt, le, gt, ge, html, js,
 * urlquery) and a function map given by the caller. Execution uses `missingkey=error`.
 * `define`, `template` and `block` are not supported: they fail the parse with a clear message.
 */

export type TValue = unknown;
export type TFunc = (...args: TValue[]) => TValue;

export class TemplateError extends Error {
  constructor(
    readonly phase: "parse" | "exec",
    message: string,
  ) {
    super(message);
  }
}

// ---- lexing ---------------------------------------------------------------------------

type Tok =
  | { t: "field"; names: string[] }
  | { t: "var"; name: string; names: string[] }
  | { t: "ident"; name: string }
  | { t: "lit"; value: TValue }
  | { t: "nil" }
  | { t: "dot" }
  | { t: "("; fields: string[] }
  | { t: ")"; fields: string[] }
  | { t: "|" }
  | { t: ":=" }
  | { t: "=" }
  | { t: "," };

interface ActionSeg {
  kind: "action";
  toks: Tok[];
  line: number;
  src: string;
}
type Seg = { kind: "text"; text: string } | ActionSeg;

const identRe = /^[A-Za-z_][A-Za-z0-9_]*/;

function goUnquote(body: string, line: number): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = body[++i];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'", a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };
    if (n === "x") {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n === "u") {
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (n === "U") {
      out += String.fromCodePoint(Number.parseInt(body.slice(i + 1, i + 9), 16));
      i += 8;
    } else if (n !== undefined && simple[n] !== undefined) out += simple[n];
    else throw new TemplateError("parse", `template: template:${line}: invalid syntax`);
  }
  return out;
}

function lexAction(src: string, line: number): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const fieldChain = (): string[] => {
    const names: string[] = [];
    while (src[i] === "." && identRe.test(src.slice(i + 1))) {
      const m = identRe.exec(src.slice(i + 1)) as RegExpExecArray;
      names.push(m[0]);
      i += 1 + m[0].length;
    }
    return names;
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "." ) {
      if (identRe.test(src.slice(i + 1))) toks.push({ t: "field", names: fieldChain() });
      else if (/[0-9]/.test(src[i + 1] ?? "")) {
        const m = /^\.[0-9]+(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i)) as RegExpExecArray;
        toks.push({ t: "lit", value: Number(m[0]) });
        i += m[0].length;
      } else {
        toks.push({ t: "dot" });
        i++;
      }
      continue;
    }
    if (c === "$") {
      const m = /^\$[A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray;
      i += m[0].length;
      toks.push({ t: "var", name: m[0], names: fieldChain() });
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      if (j >= src.length) throw new TemplateError("parse", `template: template:${line}: unterminated quoted string`);
      toks.push({ t: "lit", value: goUnquote(src.slice(i + 1, j), line) });
      i = j + 1;
      continue;
    }
    if (c === "`") {
      const j = src.indexOf("`", i + 1);
      if (j < 0) throw new TemplateError("parse", `template: template:${line}: unterminated raw quoted string`);
      toks.push({ t: "lit", value: src.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== "'") j += src[j] === "\\" ? 2 : 1;
      const s = goUnquote(src.slice(i + 1, j), line);
      toks.push({ t: "lit", value: s.codePointAt(0) ?? 0 });
      i = j + 1;
      continue;
    }
    const num = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:[0-9][0-9_]*)?\.?[0-9_]+(?:[eE][+-]?[0-9]+)?)/.exec(src.slice(i));
    if (num && /[0-9]/.test(num[0]) && (c !== "+" && c !== "-" ? true : /[0-9.]/.test(src[i + 1] ?? ""))) {
      const text = num[0].replace(/_/g, "");
      const neg = text.startsWith("-");
      const body = text.replace(/^[+-]/, "");
      let v: number;
      if (/^0[xX]/.test(body)) v = Number.parseInt(body.slice(2), 16);
      else if (/^0[bB]/.test(body)) v = Number.parseInt(body.slice(2), 2);
      else if (/^0[oO]/.test(body)) v = Number.parseInt(body.slice(2), 8);
      else if (/^0[0-7]+$/.test(body)) v = Number.parseInt(body, 8);
      else v = Number(body);
      const isFloat = /[.eE]/.test(body) && !/^0[xX]/.test(body);
      toks.push({ t: "lit", value: isFloat ? new GoFloat(neg ? -v : v) : neg ? -v : v });
      i += num[0].length;
      continue;
    }
    if (c === "(") {
      toks.push({ t: "(", fields: [] });
      i++;
      continue;
    }
    if (c === ")") {
      i++;
      toks.push({ t: ")", fields: fieldChain() });
      continue;
    }
    if (c === "|") {
      toks.push({ t: "|" });
      i++;
      continue;
    }
    if (c === ":" && src[i + 1] === "=") {
      toks.push({ t: ":=" });
      i += 2;
      continue;
    }
    if (c === "=") {
      toks.push({ t: "=" });
      i++;
      continue;
    }
    if (c === ",") {
      toks.push({ t: "," });
      i++;
      continue;
    }
    const id = identRe.exec(src.slice(i));
    if (id) {
      i += id[0].length;
      if (id[0] === "true" || id[0] === "false") toks.push({ t: "lit", value: id[0] === "true" });
      else if (id[0] === "nil") toks.push({ t: "nil" });
      else toks.push({ t: "ident", name: id[0] });
      continue;
    }
    throw new TemplateError("parse", `template: template:${line}: unexpected "${c}" in command`);
  }
  return toks;
}

/** A float literal, kept apart from ints so it prints as Go prints a float64. */
export class GoFloat {
  constructor(readonly value: number) {}
}

function segments(src: string): Seg[] {
  const segs: Seg[] = [];
  let i = 0;
  let line = 1;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, "");
    trimNext = false;
    if (open < 0) {
      if (text !== "") segs.push({ kind: "text", text });
      break;
    }
    const trimLeft = /^\{\{- /.test(src.slice(open)) || /^\{\{-[\t\r\n]/.test(src.slice(open));
    if (trimLeft) text = text.replace(/\s+$/, "");
    if (text !== "") segs.push({ kind: "text", text });
    line += (src.slice(i, open).match(/\n/g) ?? []).length;
    let start = open + 2 + (trimLeft ? 1 : 0);
    // Comment
    const rest = src.slice(start).replace(/^\s*/, "");
    if (rest.startsWith("/*")) {
      const ws = src.slice(start).length - rest.length;
      const end = src.indexOf("*/", start + ws + 2);
      if (end < 0) throw new TemplateError("parse", `template: template:${line}: unclosed comment`);
      const after = src.slice(end + 2);
      const m = /^(\s+-)?\s*\}\}/.exec(after);
      const m2 = /^ -\}\}/.exec(after) ?? /^-?\}\}/.exec(after);
      const close = m ?? m2;
      if (!close) throw new TemplateError("parse", `template: template:${line}: comment ends before closing delimiter`);
      trimNext = /-\}\}$/.test(close[0]) && close[0] !== "}}";
      line += (src.slice(open, end + 2 + close[0].length).match(/\n/g) ?? []).length;
      i = end + 2 + close[0].length;
      continue;
    }
    // Find the closing delimiter outside quotes.
    let j = start;
    let quote: string | undefined;
    let close = -1;
    while (j < src.length) {
      const c = src[j] as string;
      if (quote) {
        if (c === "\\" && quote !== "`") j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "`" || c === "'") quote = c;
      else if (src.startsWith("}}", j)) {
        close = j;
        break;
      }
      j++;
    }
    if (close < 0) throw new TemplateError("parse", `template: template:${line}: unclosed action`);
    let body = src.slice(start, close);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    segs.push({ kind: "action", toks: lexAction(body, line), line, src: body.trim() });
    line += (src.slice(open, close + 2).match(/\n/g) ?? []).length;
    i = close + 2;
    start = i;
  }
  return segs;
}

// ---- parsing --------------------------------------------------------------------------

type Operand =
  | { k: "field"; names: string[] }
  | { k: "var"; name: string; names: string[] }
  | { k: "func"; name: string }
  | { k: "lit"; value: TValue }
  | { k: "nil" }
  | { k: "dot" }
  | { k: "pipe"; pipe: Pipe; names: string[] };

interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Operand[][];
  line: number;
  src: string;
}

type TNode =
  | { k: "text"; text: string }
  | { k: "action"; pipe: Pipe }
  | { k: "if" | "with"; pipe: Pipe; list: TNode[]; elseList: TNode[] }
  | { k: "range"; pipe: Pipe; list: TNode[]; elseList: TNode[] }
  | { k: "break" | "continue" };

class Parser {
  private i = 0;
  private rangeDepth = 0;
  constructor(
    private readonly segs: Seg[],
    private readonly funcs: ReadonlySet<string>,
  ) {}

  parse(): TNode[] {
    const { list, end } = this.list();
    if (end) throw new TemplateError("parse", `template: template:${end.line}: unexpected {{${end.src}}}`);
    return list;
  }

  /** Nodes up to an `{{end}}`/`{{else …}}` (returned) or the end of input. */
  private list(): { list: TNode[]; end?: ActionSeg } {
    const list: TNode[] = [];
    while (this.i < this.segs.length) {
      const s = this.segs[this.i++] as Seg;
      if (s.kind === "text") {
        list.push({ k: "text", text: s.text });
        continue;
      }
      const first = s.toks[0];
      const kw = first?.t === "ident" ? first.name : undefined;
      if (kw === "end" || kw === "else") return { list, end: s };
      if (kw === "if" || kw === "with" || kw === "range") {
        list.push(this.control(kw, s, s.toks.slice(1)));
        continue;
      }
      if (kw === "break" || kw === "continue") {
        if (this.rangeDepth === 0) throw new TemplateError("parse", `template: template:${s.line}: {{${kw}}} outside {{range}}`);
        list.push({ k: kw });
        continue;
      }
      if (kw === "define" || kw === "template" || kw === "block") {
        throw new TemplateError("parse", `template: template:${s.line}: {{${kw}}} is not supported by this build's template step (supported: if, else, range, with, break, continue, variables, pipelines, functions)`);
      }
      if (s.toks.length === 0) throw new TemplateError("parse", `template: template:${s.line}: missing value for command`);
      list.push({ k: "action", pipe: this.pipe(s.toks, s) });
    }
    return { list };
  }

  private control(kw: "if" | "with" | "range", s: ActionSeg, toks: Tok[]): TNode {
    const pipe = this.pipe(toks, s, kw === "range");
    if (kw === "range") this.rangeDepth++;
    const body = this.list();
    if (kw === "range") this.rangeDepth--;
    if (!body.end) throw new TemplateError("parse", `template: template:${s.line}: unexpected EOF`);
    let elseList: TNode[] = [];
    const endTok = body.end.toks;
    if ((endTok[0] as { name?: string }).name === "else") {
      const next = endTok[1];
      if (next?.t === "ident" && (next.name === "if" || next.name === "with") && kw !== "range") {
        // `{{else if …}}` / `{{else with …}}`: a nested control whose {{end}} closes both.
        elseList = [this.control(next.name, body.end, endTok.slice(2))];
      } else {
        const e = this.list();
        if (!e.end || (e.end.toks[0] as { name?: string }).name !== "end") throw new TemplateError("parse", `template: template:${s.line}: expected end; found ${e.end ? `{{${e.end.src}}}` : "EOF"}`);
        elseList = e.list;
      }
    }
    return kw === "range" ? { k: "range", pipe, list: body.list, elseList } : { k: kw, pipe, list: body.list, elseList };
  }

  private pipe(toks: Tok[], s: ActionSeg, rangeDecl = false): Pipe {
    let decl: string[] = [];
    let assign = false;
    let rest = toks;
    // `$x :=` / `$x =` / `$i, $e :=`
    const declIdx = toks.findIndex((t) => t.t === ":=" || t.t === "=");
    if (declIdx > 0) {
      const head = toks.slice(0, declIdx);
      const vars = head.filter((t) => t.t === "var") as { t: "var"; name: string; names: string[] }[];
      const commas = head.filter((t) => t.t === ",").length;
      if (vars.length === head.length - commas && vars.length >= 1 && vars.length <= (rangeDecl ? 2 : 1) && vars.every((v) => v.names.length === 0)) {
        decl = vars.map((v) => v.name);
        assign = (toks[declIdx] as Tok).t === "=";
        rest = toks.slice(declIdx + 1);
      }
    }
    if (rest.length === 0) throw new TemplateError("parse", `template: template:${s.line}: missing value for ${decl.length > 0 ? "declaration" : "command"}`);
    let pos = 0;
    const parsePipe = (stopAtParen: boolean): Operand[][] => {
      const cmds: Operand[][] = [];
      let cmd: Operand[] = [];
      while (pos < rest.length) {
        const t = rest[pos] as Tok;
        if (t.t === ")") {
          if (!stopAtParen) throw new TemplateError("parse", `template: template:${s.line}: unexpected right paren`);
          break;
        }
        pos++;
        if (t.t === "|") {
          if (cmd.length === 0) throw new TemplateError("parse", `template: template:${s.line}: missing command`);
          cmds.push(cmd);
          cmd = [];
          continue;
        }
        if (t.t === "(") {
          const inner = parsePipe(true);
          const closeTok = rest[pos];
          if (closeTok?.t !== ")") throw new TemplateError("parse", `template: template:${s.line}: unclosed left paren`);
          pos++;
          cmd.push({ k: "pipe", pipe: { decl: [], assign: false, cmds: inner, line: s.line, src: s.src }, names: closeTok.fields });
          continue;
        }
        if (t.t === "field") cmd.push({ k: "field", names: t.names });
        else if (t.t === "var") cmd.push({ k: "var", name: t.name, names: t.names });
        else if (t.t === "lit") cmd.push({ k: "lit", value: t.value });
        else if (t.t === "nil") cmd.push({ k: "nil" });
        else if (t.t === "dot") cmd.push({ k: "dot" });
        else if (t.t === "ident") {
          if (!this.funcs.has(t.name)) throw new TemplateError("parse", `template: template:${s.line}: function "${t.name}" not defined`);
          cmd.push({ k: "func", name: t.name });
        } else throw new TemplateError("parse", `template: template:${s.line}: unexpected "${t.t}" in operand`);
      }
      if (cmd.length === 0) throw new TemplateError("parse", `template: template:${s.line}: missing command`);
      cmds.push(cmd);
      return cmds;
    };
    const cmds = parsePipe(false);
    if (pos < rest.length) throw new TemplateError("parse", `template: template:${s.line}: unexpected right paren`);
    return { decl, assign, cmds, line: s.line, src: s.src };
  }
}

// ---- values ---------------------------------------------------------------------------

function isMap(v: TValue): v is Record<string, TValue> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof GoFloat);
}

export function num(v: TValue): number {
  return v instanceof GoFloat ? v.value : (v as number);
}

export function truth(v: TValue): boolean {
  if (v === null || v === undefined) return false;
  if (v instanceof GoFloat) return v.value !== 0;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

function goFloatString(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

/** fmt.Sprint of one value. */
export function sprint(v: TValue): string {
  if (v === null || v === undefined) return "<nil>";
  if (v instanceof GoFloat) {
    const n = v.value;
    if (Math.abs(n) >= 1e21 || (n !== 0 && Math.abs(n) < 1e-4)) return n.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
    return goFloatString(n);
  }
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFloatString(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(sprint).join(" ")}]`;
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${sprint(v[k])}`).join(" ")}]`;
  return String(v);
}

function typeName(v: TValue): string {
  if (v === null || v === undefined) return "<nil>";
  if (v instanceof GoFloat) return "float64";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

function basicKind(v: TValue): "int" | "float" | "string" | "bool" | "nil" | "other" {
  if (v === null || v === undefined) return "nil";
  if (v instanceof GoFloat) return "float";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  return "other";
}

function eqValues(a: TValue, b: TValue): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if ((ka === "int" || ka === "float") && (kb === "int" || kb === "float")) return num(a) === num(b);
  if (ka === "nil" || kb === "nil") return ka === kb;
  if (ka === "other" || kb === "other") throw new Error("incompatible types for comparison");
  if (ka !== kb) throw new Error("incompatible types for comparison");
  return a === b;
}

function cmpValues(a: TValue, b: TValue): number {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if ((ka === "int" || ka === "float") && (kb === "int" || kb === "float")) return num(a) - num(b);
  if (ka === "string" && kb === "string") return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (ka !== kb) throw new Error("incompatible types for comparison");
  throw new Error(`invalid type for comparison`);
}

// ---- printf ---------------------------------------------------------------------------

export function goSprintf(format: string, args: readonly TValue[]): string {
  let out = "";
  let ai = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c !== "%") {
      out += c;
      continue;
    }
    const m = /^([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/.exec(format.slice(i + 1));
    if (!m) {
      out += "%!(NOVERB)";
      continue;
    }
    i += m[0].length;
    const flags = m[1] ?? "";
    const verb = m[4] as string;
    if (verb === "%") {
      out += "%";
      continue;
    }
    let width = m[2] === "*" ? Number(args[ai++]) : m[2] ? Number(m[2]) : undefined;
    const precision = m[3] === "*" ? Number(args[ai++]) : m[3] !== undefined ? Number(m[3]) : m[0].includes(".") ? 0 : undefined;
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const a = args[ai++];
    let s: string;
    switch (verb) {
      case "v":
      case "s":
        s = sprint(a);
        if (precision !== undefined && verb === "s") s = s.slice(0, precision);
        break;
      case "q":
        s = typeof a === "string" ? JSON.stringify(a) : typeof a === "number" ? `'${String.fromCodePoint(a)}'` : JSON.stringify(sprint(a));
        break;
      case "d":
        s = typeof a === "number" || a instanceof GoFloat ? String(Math.trunc(num(a))) : `%!d(${typeName(a)}=${sprint(a)})`;
        if (flags.includes("+") && num(a) >= 0) s = `+${s}`;
        break;
      case "f":
      case "F":
        s = typeof a === "number" || a instanceof GoFloat ? num(a).toFixed(precision ?? 6) : `%!f(${typeName(a)}=${sprint(a)})`;
        if (flags.includes("+") && num(a) >= 0) s = `+${s}`;
        break;
      case "e":
        s = num(a).toExponential(precision ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
        break;
      case "g":
        s = precision !== undefined ? String(Number(num(a).toPrecision(precision))) : sprint(a instanceof GoFloat ? a : new GoFloat(num(a)));
        break;
      case "t":
        s = typeof a === "boolean" ? String(a) : `%!t(${typeName(a)}=${sprint(a)})`;
        break;
      case "x":
      case "X":
        s = typeof a === "string" ? Buffer.from(a).toString("hex") : Math.trunc(num(a)).toString(16);
        if (verb === "X") s = s.toUpperCase();
        break;
      case "o":
        s = Math.trunc(num(a)).toString(8);
        break;
      case "b":
        s = Math.trunc(num(a)).toString(2);
        break;
      case "c":
        s = String.fromCodePoint(num(a));
        break;
      case "T":
        s = typeName(a);
        break;
      default:
        s = `%!${verb}(${typeName(a)}=${sprint(a)})`;
    }
    if (width !== undefined && s.length < width) {
      if (flags.includes("-")) s = s.padEnd(width);
      else if (flags.includes("0") && /[dfFeEgxXob]/.test(verb)) {
        const sign = /^[+-]/.test(s) ? (s[0] as string) : "";
        s = sign + s.slice(sign.length).padStart(width - sign.length, "0");
      } else s = s.padStart(width);
    }
    width = undefined;
    out += s;
  }
  if (ai < args.length) out += `%!(EXTRA ${args.slice(ai).map((a) => `${typeName(a)}=${sprint(a)}`).join(", ")})`;
  return out;
}

// ---- execution ------------------------------------------------------------------------

class BreakSignal {}
class ContinueSignal {}

const builtinNames = ["and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "call"];

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, (c) => ({ "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "\0": "\uFFFD" })[c] as string);
}

function jsEscape(s: string): string {
  return s.replace(/[\\'"<>&=\n\r\t]/g, (c) =>
    c === "\\" ? "\\\\" : c === "'" ? "\\'" : c === '"' ? "\\\"" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

interface Scope {
  vars: { name: string; value: TValue }[];
}

export class GoTemplate {
  private readonly root: TNode[];

  constructor(
    source: string,
    private readonly funcs: Readonly<Record<string, TFunc>>,
  ) {
    this.root = new Parser(segments(source), new Set([...builtinNames, ...Object.keys(funcs)])).parse();
  }

  execute(data: TValue): string {
    const out: string[] = [];
    const scope: Scope = { vars: [{ name: "$", value: data }] };
    this.walk(this.root, data, scope, out);
    return out.join("");
  }

  private err(p: Pipe, msg: string): TemplateError {
    return new TemplateError("exec", `template: template:${p.line}: executing "template" at <${p.src}>: ${msg}`);
  }

  private walk(nodes: readonly TNode[], dot: TValue, scope: Scope, out: string[]): void {
    const mark = scope.vars.length;
    try {
      for (const n of nodes) {
        switch (n.k) {
          case "text":
            out.push(n.text);
            break;
          case "action": {
            const v = this.pipe(n.pipe, dot, scope);
            if (n.pipe.decl.length === 0) out.push(v === undefined || v === null ? "<no value>" : sprint(v));
            break;
          }
          case "if":
          case "with": {
            const inner = scope.vars.length;
            const v = this.pipe(n.pipe, dot, scope);
            if (truth(v)) this.walk(n.list, n.k === "with" ? v : dot, scope, out);
            else this.walk(n.elseList, dot, scope, out);
            scope.vars.length = inner;
            break;
          }
          case "range":
            this.range(n, dot, scope, out);
            break;
          case "break":
            throw new BreakSignal();
          case "continue":
            throw new ContinueSignal();
        }
      }
    } finally {
      scope.vars.length = mark;
    }
  }

  private range(n: Extract<TNode, { k: "range" }>, dot: TValue, scope: Scope, out: string[]): void {
    const mark = scope.vars.length;
    const p: Pipe = { ...n.pipe, decl: [] };
    const v = this.pipe(p, dot, scope);
    let items: [TValue, TValue][];
    if (Array.isArray(v)) items = v.map((x, i) => [i, x]);
    else if (isMap(v)) items = Object.keys(v).sort().map((k) => [k, v[k]]);
    else if (typeof v === "number" && Number.isInteger(v)) items = Array.from({ length: Math.max(0, v) }, (_x, i) => [i, i]);
    else if (v === null || v === undefined) items = [];
    else throw this.err(n.pipe, `range can't iterate over ${sprint(v)}`);
    if (items.length === 0) {
      this.walk(n.elseList, dot, scope, out);
      return;
    }
    for (const [k, x] of items) {
      const d = n.pipe.decl;
      if (d.length === 1) scope.vars.push({ name: d[0] as string, value: x });
      else if (d.length === 2) scope.vars.push({ name: d[0] as string, value: k }, { name: d[1] as string, value: x });
      try {
        this.walk(n.list, x, scope, out);
      } catch (e) {
        if (e instanceof BreakSignal) break;
        if (!(e instanceof ContinueSignal)) throw e;
      } finally {
        scope.vars.length = mark;
      }
    }
  }

  private lookupVar(p: Pipe, scope: Scope, name: string): TValue {
    for (let i = scope.vars.length - 1; i >= 0; i--) if ((scope.vars[i] as { name: string }).name === name) return (scope.vars[i] as { value: TValue }).value;
    throw new TemplateError("exec", `template: template:${p.line}: undefined variable: ${name}`);
  }

  private pipe(p: Pipe, dot: TValue, scope: Scope): TValue {
    let v: TValue = undefined;
    let first = true;
    for (const cmd of p.cmds) {
      v = this.command(p, cmd, dot, scope, first ? undefined : { value: v });
      first = false;
    }
    if (p.decl.length > 0) {
      const name = p.decl[0] as string;
      if (p.assign) {
        let found = false;
        for (let i = scope.vars.length - 1; i >= 0; i--) {
          const e = scope.vars[i] as { name: string; value: TValue };
          if (e.name === name) {
            e.value = v;
            found = true;
            break;
          }
        }
        if (!found) throw new TemplateError("exec", `template: template:${p.line}: undefined variable: ${name}`);
      } else scope.vars.push({ name, value: v });
    }
    return v;
  }

  private field(p: Pipe, recv: TValue, names: readonly string[]): TValue {
    let v = recv;
    for (const name of names) {
      if (isMap(v)) {
        if (!Object.hasOwn(v, name)) throw this.err(p, `map has no entry for key "${name}"`);
        v = v[name];
      } else if (v === null || v === undefined) {
        throw this.err(p, `nil pointer evaluating interface {}.${name}`);
      } else throw this.err(p, `can't evaluate field ${name} in type ${typeName(v)}`);
    }
    return v;
  }

  private operand(p: Pipe, o: Operand, dot: TValue, scope: Scope): TValue {
    switch (o.k) {
      case "field":
        return this.field(p, dot, o.names);
      case "var":
        return this.field(p, this.lookupVar(p, scope, o.name), o.names);
      case "lit":
        return o.value;
      case "nil":
        throw this.err(p, "nil is not a command");
      case "dot":
        return dot;
      case "pipe":
        return this.field(p, this.pipe(o.pipe, dot, scope), o.names);
      case "func":
        return this.call(p, o.name, [], dot, scope, []);
    }
  }

  private command(p: Pipe, cmd: readonly Operand[], dot: TValue, scope: Scope, piped?: { value: TValue }): TValue {
    const head = cmd[0] as Operand;
    if (head.k === "func") return this.call(p, head.name, cmd.slice(1), dot, scope, piped ? [piped.value] : []);
    if (cmd.length > 1 || piped) {
      if (head.k === "field" || head.k === "var") throw this.err(p, `can't give argument to non-function ${p.src}`);
      throw this.err(p, `can't give argument to non-function ${sprint(this.operand(p, head, dot, scope))}`);
    }
    if (head.k === "nil") throw this.err(p, "nil is not a command");
    return this.operand(p, head, dot, scope);
  }

  private call(p: Pipe, name: string, argOps: readonly Operand[], dot: TValue, scope: Scope, tail: TValue[]): TValue {
    const arg = (o: Operand): TValue => (o.k === "nil" ? null : this.operand(p, o, dot, scope));
    // and/or short-circuit, as Go 1.18+ does.
    if (name === "and" || name === "or") {
      const all = [...argOps.map((o) => () => arg(o)), ...tail.map((t) => () => t)];
      if (all.length === 0) throw this.err(p, `wrong number of args for ${name}: want at least 1 got 0`);
      let v: TValue = undefined;
      for (const f of all) {
        v = f();
        if (name === "and" ? !truth(v) : truth(v)) return v;
      }
      return v;
    }
    const args = [...argOps.map(arg), ...tail];
    try {
      switch (name) {
        case "not":
          return !truth(args[0]);
        case "len": {
          const v = args[0];
          if (typeof v === "string") return Buffer.byteLength(v);
          if (Array.isArray(v)) return v.length;
          if (isMap(v)) return Object.keys(v).length;
          throw new Error(`len of type ${typeName(v)}`);
        }
        case "index": {
          let v = args[0];
          for (const k of args.slice(1)) {
            if (Array.isArray(v)) {
              const i = num(k);
              if (i < 0 || i >= v.length) throw new Error(`index out of range: ${i}`);
              v = v[i];
            } else if (isMap(v)) v = Object.hasOwn(v, String(k)) ? v[String(k)] : null;
            else if (typeof v === "string") v = v.charCodeAt(num(k));
            else throw new Error(`can't index item of type ${typeName(v)}`);
          }
          return v;
        }
        case "slice": {
          const v = args[0];
          const from = args.length > 1 ? num(args[1]) : 0;
          if (typeof v === "string") return v.slice(from, args.length > 2 ? num(args[2]) : undefined);
          if (Array.isArray(v)) return v.slice(from, args.length > 2 ? num(args[2]) : undefined);
          throw new Error(`can't slice item of type ${typeName(v)}`);
        }
        case "print":
          return goSprint(args);
        case "println":
          return `${args.map(sprint).join(" ")}\n`;
        case "printf":
          return goSprintf(String(args[0]), args.slice(1));
        case "eq":
          if (args.length < 2) throw new Error("missing argument for comparison");
          return args.slice(1).some((b) => eqValues(args[0], b));
        case "ne":
          return !eqValues(args[0], args[1]);
        case "lt":
          return cmpValues(args[0], args[1]) < 0;
        case "le":
          return cmpValues(args[0], args[1]) <= 0;
        case "gt":
          return cmpValues(args[0], args[1]) > 0;
        case "ge":
          return cmpValues(args[0], args[1]) >= 0;
        case "html":
          return htmlEscape(goSprint(args));
        case "js":
          return jsEscape(goSprint(args));
        case "urlquery":
          return encodeURIComponent(goSprint(args)).replace(/%20/g, "+");
        case "call":
          throw new Error("call is not supported by this build's template step");
      }
      const f = this.funcs[name] as TFunc;
      return f(...args);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      throw this.err(p, `error calling ${name}: ${(e as Error).message}`);
    }
  }
}

/** fmt.Sprint: spaces only between operands when neither is a string. */
export function goSprint(args: readonly TValue[]): string {
  let out = "";
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += sprint(a);
  });
  return out;
}
