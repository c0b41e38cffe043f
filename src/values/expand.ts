/**
 * @module values/expand
 * Dagu's `${VAR}` rules: `${NAME}`, `$NAME` and positional `$1` are replaced when NAME is a
 * known variable and left for the shell otherwise; a reference wrapped directly in single
 * quotes (`'$X'`) is left alone; `${NAME.a.b}` and `${NAME.list[1]}` read a JSON value.
 */

export type VarLookup = (name: string) => string | undefined;

const refPattern = /\$\{([A-Za-z_][A-Za-z0-9_]*|\d+)((?:\.|\[)[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*|\d+)/g;

/** Walk `.a.b[1].c` over a parsed JSON value; undefined when any part is missing. */
export function jsonPath(value: unknown, path: string): unknown {
  const parts = [...path.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)];
  if (parts.map((p) => p[0]).join("") !== path) return undefined;
  let cur: unknown = value;
  for (const p of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    const key = p[1] ?? Number(p[2]);
    cur = (cur as Record<string | number, unknown>)[key];
    if (cur === undefined) return undefined;
  }
  return cur;
}

function stringify(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** `${id.stdout}`, `${id.stderr}`, `${id.exitCode}` of a step with an `id`. */
export type StepRefLookup = (id: string, prop: "stdout" | "stderr" | "exitCode") => string | undefined;

const stepRefPattern = /^\.(stdout|stderr|exitCode|exit_code)(?::(\d+)(?::(\d+))?)?$/;

/** Like the shell and Go's os.ExpandEnv: every `$VAR` is replaced, unknown ones by "". */
export function expandAll(text: string, lookup: VarLookup): string {
  return expandVariables(text, (n) => lookup(n) ?? "");
}

export function expandVariables(text: string, lookup: VarLookup, stepRef?: StepRefLookup): string {
  return text.replace(refPattern, (match, braced: string | undefined, path: string | undefined, bare: string | undefined, offset: number) => {
    const name = (braced ?? bare) as string;
    const ref = path && stepRef ? stepRefPattern.exec(path) : null;
    // Only a plain variable directly in single quotes is left alone; Dagu resolves step
    // references and JSON paths (`'${R.outputs.x}'`) there too.
    if (!path && text[offset - 1] === "'" && text[offset + match.length] === "'") return match;
    if (ref) {
      const prop = ref[1] === "exit_code" ? "exitCode" : (ref[1] as "stdout" | "stderr" | "exitCode");
      const v = stepRef?.(name, prop);
      if (v !== undefined) {
        // `${id.stdout:start:len}` takes a substring, like Dagu.
        if (ref[2] === undefined) return v;
        const start = Number(ref[2]);
        return ref[3] === undefined ? v.slice(start) : v.slice(start, start + Number(ref[3]));
      }
    }
    const value = lookup(name);
    if (value === undefined) return match;
    if (!path) return value;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return match;
    }
    // A path that misses in valid JSON reads as null, which Dagu prints as Go does: <nil>.
    const found = jsonPath(parsed, path);
    return found === undefined || found === null ? "<nil>" : stringify(found);
  });
}

export type VarSource = VarLookup | ReadonlyMap<string, string> | Readonly<Record<string, string | undefined>>;

/** Lookup over several sources, first hit wins. */
export function chainLookup(...sources: readonly VarSource[]): VarLookup {
  const lookups = sources.map((s): VarLookup =>
    typeof s === "function" ? s : s instanceof Map ? (n) => s.get(n) : (n) => (s as Record<string, string | undefined>)[n],
  );
  return (name) => {
    for (const l of lookups) {
      const v = l(name);
      if (v !== undefined) return v;
    }
    return undefined;
  };
}
