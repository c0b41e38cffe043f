/**
 * @module spec/command-line
 * Splitting a one-line command into program and arguments the way Dagu does for `command:`
 * and `shell:` (quotes and backticks group, `|` splits a pipeline that is re-joined as args).
 * The shell still runs the original line; this split is what status records and `dry` show.
 */

export interface SplitCommand {
  readonly command: string;
  readonly args: string[];
}

function unquote(token: string): string {
  if (token.length >= 2 && token.startsWith('"') && token.endsWith('"')) {
    try {
      return JSON.parse(token) as string;
    } catch {
      return token;
    }
  }
  if (token.length >= 2 && token.startsWith("'") && token.endsWith("'")) return token.slice(1, -1);
  return token;
}

function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let cur = "";
  let dq = false;
  let sq = false;
  let bt = false;
  let esc = false;
  const flush = (): void => {
    if (cur.length > 0) tokens.push(cur);
    cur = "";
  };
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const quoted = dq || sq || bt;
    if (esc) {
      cur += c;
      esc = false;
    } else if (c === "\\") {
      cur += c;
      esc = true;
    } else if (c === '"' && !bt && !sq) {
      cur += c;
      dq = !dq;
    } else if (c === "'" && !bt && !dq) {
      cur += c;
      sq = !sq;
    } else if (c === "`" && !sq) {
      cur += c;
      bt = !bt;
    } else if (c === "|" && !quoted) {
      flush();
      if (chars[i + 1] === "|") {
        tokens.push("||");
        i++;
      } else tokens.push("|");
    } else if (c === "&" && !quoted && chars[i + 1] === "&") {
      flush();
      tokens.push("&&");
      i++;
    } else if (/\s/.test(c) && !quoted) {
      flush();
    } else cur += c;
  }
  flush();
  return tokens;
}

/** Split a command line; undefined when nothing is left (e.g. only `|`). */
export function splitCommand(line: string): SplitCommand | undefined {
  const pipeline: string[][] = [];
  let current: string[] = [];
  for (const t of tokenize(line)) {
    if (t === "|") {
      if (current.length > 0) pipeline.push(current);
      current = [];
    } else current.push(unquote(t));
  }
  if (current.length > 0) pipeline.push(current);
  const [first, ...others] = pipeline;
  if (!first || first.length === 0) return undefined;
  const args = first.slice(1);
  for (const cmd of others) args.push("|", ...cmd);
  return { command: first[0] as string, args };
}
