/**
 * @module cli/commands/exec
 * `dagu exec [flags] -- cmd args…`: run one command as a recorded DAG run (`exec-<cmd>`), with
 * env, dotenv, working dir, shell and base config like a DAG file.
 */
import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { DaguError, SpecError, UsageError } from "../../core/errors.ts";
import { parseDagText } from "../../spec/dag-text.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { checkRunId, nameFlag, newRunIdFlag } from "../common-flags.ts";
import { cliRunContext, runInForeground } from "../run-context.ts";

/**
 * The step's command line from argv, built as Dagu's BuildCommandEscapedString does, so the
 * run is recorded (and shown) as Dagu records it: words already in quotes and words without
 * spaces are kept as they are, `KEY="v w"` too; other words with spaces get double quotes.
 */
export function execCommandLine(argv: readonly string[]): string {
  const [command = "", ...args] = argv;
  const quoted = args.map((arg) => {
    if ((arg.startsWith('"') && arg.endsWith('"')) || (arg.startsWith("'") && arg.endsWith("'"))) return arg;
    if (!arg.includes(" ")) return arg;
    if (/^[^\s=]+="[^"]+"$/.test(arg)) return arg;
    return `"${arg.replaceAll('"', '\\"')}"`;
  });
  return quoted.length === 0 ? command : `${command} ${quoted.join(" ")}`;
}

/** `exec-<program>`, file-safe and at most 40 characters, as Dagu names exec runs. */
function defaultExecName(command: string): string {
  return `exec-${basename(command).replace(/[^A-Za-z0-9_.-]/g, "_")}`.slice(0, 40);
}

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Execute a one-off command as a DAG run without creating a DAG YAML file.

Examples:
  dagu exec -- echo "hello world"
  dagu exec --env FOO=bar -- sh -c 'echo $FOO'
  dagu exec --worker-label role=batch -- python remote_script.py`;

export default defineCommand({
  name: "exec",
  usage: "dagu exec [flags] -- <command> [args...]",
  description,
  flags: {
    ...globalFlags,
  base: { type: "string", description: "Path to a base DAG YAML whose defaults are applied before inline overrides" },
  dotenv: { type: "stringArray", description: "Path to a dotenv file to load before execution; repeatable" },
  env: { type: "stringArray", short: "E", description: "Environment variable (KEY=VALUE) to include in the run; repeatable" },
  ...nameFlag,
  ...newRunIdFlag,
  shell: { type: "string", description: "Override shell binary for the command (default: use DAGU default shell)" },
  workdir: { type: "string", description: "Working directory for executing the command (default: current directory)" },
  "worker-label": {
    type: "stringArray",
    description: "Worker label selector (key=value) for distributed execution; repeatable",
  },
  },
  async run({ flags, rest }) {
    const [command] = rest;
    if (command === undefined) throw new UsageError("command is required (try: dagu exec -- <command>)");
    const givenRunId = flags["run-id"] || undefined;
    if (givenRunId !== undefined) checkRunId(givenRunId);
    const workingDir = resolve(flags.workdir ?? process.cwd());
    if (!existsSync(workingDir) || !statSync(workingDir).isDirectory()) throw new DaguError(`working directory "${workingDir}" not found`);
    for (const e of flags.env) if (!e.includes("=") || e.startsWith("=")) throw new UsageError(`invalid --env value "${e}": expected KEY=VALUE`);
    const dotenv = flags.dotenv.filter((d) => d.trim() !== "").map((d) => resolve(d));
    for (const d of dotenv) if (!existsSync(d)) throw new DaguError(`dotenv file "${d}" not found`);
    if (flags["worker-label"].length > 0) throw new DaguError("--worker-label needs the coordinator/worker mode, which this build does not have yet");
    const name = flags.name?.trim() || defaultExecName(command);
    // Built as a DAG document so it gets every check a DAG file gets.
    const doc = {
      name,
      workingDir,
      ...(flags.shell ? { shell: flags.shell } : {}),
      ...(flags.env.length > 0 ? { env: flags.env } : {}),
      ...(dotenv.length > 0 ? { dotenv } : {}),
      steps: [{ name: "main", command: execCommandLine(rest) }],
    };
    const ctx = cliRunContext(flags["dagu-home"]);
    const base = flags.base ? resolve(flags.base) : ctx.paths.baseConfig;
    if (flags.base && !existsSync(base)) throw new DaguError(`base DAG file "${flags.base}" not found`);
    const parsed = parseDagText(JSON.stringify(doc), "", { baseConfig: base, shownAs: "exec" });
    if (!parsed.dag) throw new SpecError(parsed.issues);
    return runInForeground(ctx, { dag: parsed.dag, runId: givenRunId ?? Bun.randomUUIDv7(), paramOverrides: [], quiet: flags.quiet });
  },
});
