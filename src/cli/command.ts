/**
 * @module cli/command
 * The shape of a CLI command: a typed flag schema, usage text, and a `run` that returns
 * the exit code. Every command file under `cli/commands/` default-exports one of these.
 */
import { UsageError } from "../core/errors.ts";

export type FlagType = "string" | "boolean" | "stringArray";

export interface FlagDef {
  readonly type: FlagType;
  readonly short?: string;
  readonly description: string;
  /**
   * Shown in help as `(default …)`; quote string defaults (`'"8080"'`) as pflag does. parseArgs
   * does not apply it, so a command can tell an absent flag (config/env decide) from a given one.
   */
  readonly defaultText?: string;
  /** Internal flags are accepted but listed with a note. */
  readonly hidden?: boolean;
}

export type FlagDefs = Readonly<Record<string, FlagDef>>;

type FlagValue<D extends FlagDef> = D["type"] extends "boolean"
  ? boolean
  : D["type"] extends "stringArray"
    ? string[]
    : string | undefined;

export type ParsedFlags<F extends FlagDefs> = { -readonly [K in keyof F]: FlagValue<F[K]> };

/** What a command receives: flags, positional args, and everything after `--`. */
export interface Invocation<F extends FlagDefs> {
  readonly flags: ParsedFlags<F>;
  readonly args: readonly string[];
  /** Arguments after a literal `--` (DAG params for start/dry/enqueue). */
  readonly rest: readonly string[];
}

export interface Command<F extends FlagDefs = FlagDefs> {
  /** Command path without `dagu`, e.g. `start` or `migrate history`. */
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  readonly flags: F;
  /** Child commands (cobra-style groups such as `migrate history`); listed in help and dispatched by run-cli. */
  readonly subcommands?: Readonly<Record<string, SubcommandEntry>>;
  /**
   * A service (server, scheduler) rather than a one-shot command: it gets JavaScriptCore's
   * normal JIT policy back before it starts (the executable starts reluctant to compile).
   */
  readonly longRunning?: boolean;
  run(inv: Invocation<F>): Promise<number>;
}

export interface SubcommandEntry {
  /** One line for the parent's "Available Commands" list. */
  readonly summary: string;
  readonly command: Command;
}

/** Flags every command accepts, as in Dagu. */
export const globalFlags = {
  config: { type: "string", short: "c", description: "Path to the configuration file (default: $HOME/.config/dagu/config.yaml)" },
  "dagu-home": { type: "string", description: "Override DAGU_HOME for this command" },
  quiet: { type: "boolean", short: "q", description: "Suppress output during dag-run" },
  "cpu-profile": { type: "boolean", description: "Enable CPU profiling (accepted for compatibility; no effect)" },
  help: { type: "boolean", short: "h", description: "help for this command" },
} as const satisfies FlagDefs;

export type GlobalFlags = typeof globalFlags;

/** Identity helper that keeps the flag schema's literal types for `run`. */
export function defineCommand<const F extends FlagDefs>(c: Command<F & GlobalFlags>): Command<F & GlobalFlags> {
  return c;
}

/** Parse argv the way cobra/pflag does: interspersed flags, `--x=v`, `-x v`, `-xv`, `--` ends flags. */
export function parseArgs<F extends FlagDefs>(defs: F, argv: readonly string[]): Invocation<F> {
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  for (const [k, d] of Object.entries(defs)) flags[k] = d.type === "boolean" ? false : d.type === "stringArray" ? [] : undefined;
  const byShort = new Map<string, string>();
  for (const [k, d] of Object.entries(defs)) if (d.short) byShort.set(d.short, k);
  const args: string[] = [];
  let rest: string[] = [];

  const set = (key: string, inline: string | undefined, next: () => string | undefined, shown: string): void => {
    const def = defs[key];
    if (!def) throw new UsageError(`unknown flag: ${shown}`);
    if (def.type === "boolean") {
      if (inline === undefined) flags[key] = true;
      else if (inline === "true" || inline === "false") flags[key] = inline === "true";
      else throw new UsageError(`invalid argument "${inline}" for "${shown}" flag: expected true or false`);
      return;
    }
    const v = inline ?? next();
    if (v === undefined) {
      // pflag's wording, so scripts matching Dagu's errors keep working.
      const msg = shown.startsWith("--") ? shown : `'${shown.slice(1)}' in ${shown}`;
      throw new UsageError(`flag needs an argument: ${msg}`);
    }
    if (def.type === "stringArray") (flags[key] as string[]).push(v);
    else flags[key] = v;
  };

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const next = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);
    if (a === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const key = eq < 0 ? a.slice(2) : a.slice(2, eq);
      set(key, eq < 0 ? undefined : a.slice(eq + 1), next, `--${key}`);
    } else if (a.startsWith("-") && a.length > 1) {
      // -abc: booleans may be grouped; a string flag takes the remainder or the next arg.
      for (let j = 1; j < a.length; j++) {
        const key = byShort.get(a[j] as string);
        if (!key) throw new UsageError(`unknown shorthand flag: '${a[j]}' in ${a}`);
        if (defs[key]?.type === "boolean") {
          set(key, undefined, next, `-${a[j]}`);
          continue;
        }
        const remainder = a.slice(j + 1).replace(/^=/, "");
        set(key, remainder === "" ? undefined : remainder, next, `-${a[j]}`);
        break;
      }
    } else {
      args.push(a);
    }
  }
  return { flags: flags as ParsedFlags<F>, args, rest };
}

/** Byte-order comparison: pflag sorts flag names with Go's `<`, which localeCompare does not match for `-` and `.`. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Cobra-style help: description, usage, sub-commands, then pflag's aligned flag table (short
 * flags in a 4-column gutter, usage text 3 spaces after the longest left column).
 */
export function formatHelp(c: Command): string {
  const leaf = c.name.split(" ").at(-1) ?? c.name;
  const rows = Object.entries(c.flags)
    .filter(([, d]) => !d.hidden)
    .sort(([a], [b]) => byteOrder(a, b))
    .map(([name, d]) => {
      const short = d.short ? `-${d.short}, ` : "    ";
      const arg = d.type === "boolean" ? "" : ` ${d.type}`;
      const def = d.defaultText ? ` (default ${d.defaultText})` : "";
      // One shared `help` definition; cobra names the command in its description.
      const text = name === "help" ? `help for ${leaf}` : d.description;
      return [`  ${short}--${name}${arg}`, `${text}${def}`] as const;
    });
  const width = Math.max(...rows.map(([l]) => l.length)) + 3;
  const table = rows.map(([l, r]) => l.padEnd(width) + r).join("\n");
  const subs = Object.entries(c.subcommands ?? {});
  // cobra pads command names to at least 11 columns.
  const pad = Math.max(11, ...subs.map(([n]) => n.length));
  const subList = subs.length
    ? `\nAvailable Commands:\n${subs.map(([n, e]) => `  ${n.padEnd(pad)} ${e.summary}\n`).join("")}`
    : "";
  const footer = subs.length ? `\nUse "dagu ${c.name} [command] --help" for more information about a command.\n` : "";
  return `${c.description}\n\nUsage:\n  ${c.usage}\n${subList}\nFlags:\n${table}\n${footer}`;
}
