/**
 * @module tests/cli/command
 * parseArgs must accept what cobra/pflag accept in Dagu, so that every documented Dagu
 * invocation parses the same way here; formatHelp must lay flags out like pflag.
 */
import { describe, expect, test } from "bun:test";
import { type Command, type FlagDefs, formatHelp, globalFlags, parseArgs } from "../../src/cli/command.ts";
import { UsageError } from "../../src/core/errors.ts";

const defs = {
  ...globalFlags,
  name: { type: "string", short: "N", description: "DAG name" },
  params: { type: "string", short: "p", description: "params" },
  yes: { type: "boolean", short: "y", description: "skip prompt" },
  env: { type: "stringArray", short: "E", description: "KEY=VALUE" },
} as const satisfies FlagDefs;

/** The UsageError message parseArgs throws, or a marker when it does not throw one. */
function usageError(argv: string[]): string {
  try {
    parseArgs(defs, argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  return "<no error>";
}

describe("parseArgs", () => {
  test("defaults: booleans false, strings undefined, arrays empty", () => {
    const { flags, args, rest } = parseArgs(defs, []);
    expect(flags.yes).toBe(false);
    expect(flags.quiet).toBe(false);
    expect(flags.name).toBeUndefined();
    expect(flags.env).toEqual([]);
    expect(args).toEqual([]);
    expect(rest).toEqual([]);
  });

  test("flags interspersed with positional args", () => {
    const { flags, args } = parseArgs(defs, ["a.yaml", "--name", "x", "b", "-y", "c"]);
    expect(args).toEqual(["a.yaml", "b", "c"]);
    expect(flags.name).toBe("x");
    expect(flags.yes).toBe(true);
  });

  test("--x=v, including values with '=' and empty values", () => {
    expect(parseArgs(defs, ["--name=abc"]).flags.name).toBe("abc");
    expect(parseArgs(defs, ["--params=P1=foo P2=bar"]).flags.params).toBe("P1=foo P2=bar");
    expect(parseArgs(defs, ["--name="]).flags.name).toBe("");
  });

  test("-x v and --x v take the next argument even when it starts with '-'", () => {
    expect(parseArgs(defs, ["-N", "abc"]).flags.name).toBe("abc");
    expect(parseArgs(defs, ["--name", "-weird"]).flags.name).toBe("-weird");
  });

  test("-xv and -x=v attach the value to the shorthand", () => {
    expect(parseArgs(defs, ["-Nabc"]).flags.name).toBe("abc");
    expect(parseArgs(defs, ["-N=abc"]).flags.name).toBe("abc");
  });

  test("grouped booleans, optionally ending in a string flag", () => {
    const a = parseArgs(defs, ["-qy"]).flags;
    expect(a.quiet).toBe(true);
    expect(a.yes).toBe(true);
    const b = parseArgs(defs, ["-yqNfoo"]).flags;
    expect([b.yes, b.quiet, b.name]).toEqual([true, true, "foo"]);
    const c = parseArgs(defs, ["-yN", "bar"]).flags;
    expect([c.yes, c.name]).toEqual([true, "bar"]);
  });

  test("boolean flags accept =true / =false", () => {
    expect(parseArgs(defs, ["--yes=false"]).flags.yes).toBe(false);
    expect(parseArgs(defs, ["--yes=true"]).flags.yes).toBe(true);
    expect(usageError(["--yes=maybe"])).toContain('invalid argument "maybe"');
  });

  test("stringArray flags collect every occurrence in order", () => {
    expect(parseArgs(defs, ["-E", "A=1", "--env=B=2", "-EC=3"]).flags.env).toEqual(["A=1", "B=2", "C=3"]);
  });

  test("a string flag given twice keeps the last value", () => {
    expect(parseArgs(defs, ["-N", "a", "--name", "b"]).flags.name).toBe("b");
  });

  test("`--` ends flag parsing; everything after it is rest, verbatim", () => {
    const { flags, args, rest } = parseArgs(defs, ["dag.yaml", "-y", "--", "P1=foo", "--name", "-q", "--"]);
    expect(args).toEqual(["dag.yaml"]);
    expect(flags.yes).toBe(true);
    expect(flags.name).toBeUndefined();
    expect(flags.quiet).toBe(false);
    expect(rest).toEqual(["P1=foo", "--name", "-q", "--"]);
  });

  test("a lone '-' is a positional argument (stdin convention)", () => {
    expect(parseArgs(defs, ["-"]).args).toEqual(["-"]);
  });

  test("unknown long and short flags are usage errors with pflag's wording", () => {
    expect(usageError(["--bogus"])).toBe("unknown flag: --bogus");
    expect(usageError(["--bogus=1"])).toBe("unknown flag: --bogus");
    expect(usageError(["-z"])).toBe("unknown shorthand flag: 'z' in -z");
    expect(usageError(["-yz"])).toBe("unknown shorthand flag: 'z' in -yz");
  });

  test("a string flag at the end of argv without a value is a usage error", () => {
    expect(usageError(["--name"])).toBe("flag needs an argument: --name");
    expect(usageError(["dag.yaml", "-N"])).toBe("flag needs an argument: 'N' in -N");
    expect(usageError(["-E"])).toBe("flag needs an argument: 'E' in -E");
  });
});

describe("formatHelp", () => {
  const cmd: Command = {
    name: "demo",
    usage: "dagu demo [flags] <DAG>",
    description: "Demo command.",
    flags: {
      ...globalFlags,
      "dags-dir": { type: "string", short: "d", description: "Dir", defaultText: '"x"' },
      "dag.sub": { type: "boolean", description: "Dotted" },
      env: { type: "stringArray", description: "Env" },
    },
    async run() {
      return 0;
    },
  };
  const help = formatHelp(cmd);

  test("description, usage, then a Flags table", () => {
    expect(help.startsWith("Demo command.\n\nUsage:\n  dagu demo [flags] <DAG>\n\nFlags:\n")).toBe(true);
    expect(help.endsWith("\n")).toBe(true);
  });

  test("flags sorted in byte order, short flags in a gutter, types shown, usage column aligned", () => {
    const lines = help.split("\nFlags:\n")[1]?.trimEnd().split("\n") ?? [];
    const names = lines.map((l) => /--(\S+)/.exec(l)?.[1]);
    expect(names).toEqual(["config", "cpu-profile", "dag.sub", "dags-dir", "dagu-home", "env", "help", "quiet"]);
    expect(lines).toContain('  -d, --dags-dir string    Dir (default "x")');
    expect(lines).toContain("      --env stringArray    Env");
    expect(lines).toContain("  -h, --help               help for demo");
    // Where the usage text starts: after the left column and at least 3 spaces.
    const cols = new Set(lines.map((l) => /^ +\S.*?\S {3,}(?=\S)/.exec(l)?.[0].length));
    expect(cols.size).toBe(1);
  });

  test("sub-commands are listed cobra-style with a closing hint", () => {
    const group: Command = {
      ...cmd,
      name: "grp",
      usage: "dagu grp [command]",
      flags: { help: globalFlags.help },
      subcommands: { child: { summary: "Do the child thing", command: cmd } },
    };
    expect(formatHelp(group)).toBe(
      "Demo command.\n\nUsage:\n  dagu grp [command]\n\nAvailable Commands:\n  child       Do the child thing\n\n" +
        'Flags:\n  -h, --help   help for grp\n\nUse "dagu grp [command] --help" for more information about a command.\n',
    );
  });
});
