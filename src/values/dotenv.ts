/**
 * @module values/dotenv
 * Parse a `.env` file the way Dagu 1.30 reads one (godotenv's rules, checked against the
 * reference): `KEY=value` or `KEY: value`, optional `export `, `#` comment lines, a `#`
 * after whitespace ends an unquoted value. Single quotes are literal; double quotes may span
 * lines and understand `\n`, `\r` and `\<char>`. Unquoted and double-quoted values expand
 * `$NAME`/`${NAME}` (upper-case names only) from the keys before it in the SAME file, unknown
 * ones to ""; `\$` keeps a dollar. Any malformed statement makes the whole file an error.
 */

export class DotenvError extends Error {}

/** godotenv's "space": blanks within a line (a newline is not one). */
const isSpace = (c: string | undefined): boolean =>
  c === " " || c === "\t" || c === "\r" || c === "\v" || c === "\f" || c === "\u0085" || c === "\u00a0";

function expandRefs(value: string, known: ReadonlyMap<string, string>): string {
  // `$(` is matched but not special: `$(echo x)` stays as written only because `echo` is lower case.
  return value.replace(/(\\)?\$\(?\{?([A-Z0-9_]+)?\}?/g, (m, escaped?: string, name?: string) => {
    if (escaped !== undefined) return m.slice(1);
    if (name === undefined) return m;
    return known.get(name) ?? "";
  });
}

function unescape(value: string): string {
  return value.replace(/\\(.)/gs, (m, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : c === "$" ? m : c));
}

/** The pairs of one file in order (a later key wins when applied), or a DotenvError. */
export function parseDotenv(source: string): [string, string][] {
  const text = source.replaceAll("\r\n", "\n");
  const known = new Map<string, string>();
  const out: [string, string][] = [];
  let i = 0;
  for (;;) {
    // Statement start: the next non-blank character (newlines included) not opening a comment.
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) return out;
    if (text[i] === "#") {
      const nl = text.indexOf("\n", i);
      if (nl < 0) return out;
      i = nl;
      continue;
    }
    if (text.startsWith("export", i) && isSpace(text[i + 6])) i += 6;
    while (isSpace(text[i])) i++;
    const keyStart = i;
    let key: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i] as string;
      if (isSpace(c)) continue;
      if (c === "=" || c === ":") {
        key = text.slice(keyStart, i).trimEnd();
        i++;
        break;
      }
      if (c !== "_" && c !== "." && !/[\p{L}\p{N}]/u.test(c)) {
        throw new DotenvError(`unexpected character ${JSON.stringify(c)} in variable name near ${JSON.stringify(text.slice(keyStart, keyStart + 40))}`);
      }
    }
    if (key === undefined) throw new DotenvError(`no "=" after ${JSON.stringify(text.slice(keyStart, keyStart + 40))}`);
    while (isSpace(text[i])) i++;
    let value: string;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      let end = -1;
      for (let j = i + 1; j < text.length; j++) {
        if (text[j] === quote && text[j - 1] !== "\\") {
          end = j;
          break;
        }
      }
      if (end < 0) throw new DotenvError(`unterminated quoted value ${text.slice(i).split("\n", 1)[0]}`);
      // Quote characters at either edge of the content go too (godotenv trims them).
      let inner = text.slice(i, end);
      while (inner.endsWith(quote)) inner = inner.slice(0, -1);
      while (inner.startsWith(quote)) inner = inner.slice(1);
      value = quote === '"' ? expandRefs(unescape(inner), known) : inner;
      i = end + 1;
    } else {
      let lineEnd = i;
      while (lineEnd < text.length && text[lineEnd] !== "\n" && text[lineEnd] !== "\r") lineEnd++;
      let line = text.slice(i, lineEnd);
      // A `#` after a blank starts a comment; the last such one counts (godotenv scans backwards).
      for (let j = line.length - 1; j > 0; j--) {
        if (line[j] === "#" && isSpace(line[j - 1])) {
          line = line.slice(0, j);
          break;
        }
      }
      let a = 0;
      let b = line.length;
      while (a < b && isSpace(line[a])) a++;
      while (b > a && isSpace(line[b - 1])) b--;
      value = expandRefs(line.slice(a, b), known);
      i = lineEnd;
    }
    known.set(key, value);
    out.push([key, value]);
  }
}
