/**
 * @module cli/run-cli
 * Dispatch argv to a command. User errors (`DaguError`) print their message and exit with
 * their code; anything else is a bug and keeps its stack trace.
 */
import { DaguError } from "../core/errors.ts";
import { formatHelp, parseArgs } from "./command.ts";
import { commands } from "./registry.ts";

function rootHelp(): string {
  const shown = Object.entries(commands).filter(([, c]) => !c.hidden);
  const width = Math.max(...shown.map(([n]) => n.length)) + 2;
  const list = shown
    .map(([n, c]) => `  ${n.padEnd(width)}${c.summary}`)
    .join("\n");
  return `Dagu is a compact, portable workflow engine.

It runs DAGs (directed acyclic graphs of steps) written in YAML: from the command line,
on a cron schedule, from a web UI, or spread over workers.

Usage:
  dagu [command]

Available Commands:
${list}
  help${" ".repeat(width - 4)}Help about any command

Flags:
  -h, --help      help for dagu
  -v, --version   version for dagu

Use "dagu [command] --help" for more information about a command.
`;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const [first, ...tail] = argv;
  if (first === undefined || first === "-h" || first === "--help") {
    process.stdout.write(rootHelp());
    return 0;
  }
  if (first === "-v" || first === "--version") return runCli(["version"]);
  // `dagu help migrate history` = `dagu migrate history --help`.
  if (first === "help") return tail.length ? runCli([...tail, "--help"]) : runCli([]);
  const entry = commands[first];
  if (!entry) {
    process.stderr.write(`Error: unknown command "${first}" for "dagu"\nRun 'dagu --help' for usage.\n`);
    return 1;
  }
  let cmd = (await entry.load()).default;
  let args = tail;
  // Descend into sub-commands (`migrate history`) while the next word names one, as cobra does.
  for (let sub = cmd.subcommands?.[args[0] ?? ""]; sub; sub = cmd.subcommands?.[args[0] ?? ""]) {
    cmd = sub.command;
    args = args.slice(1);
  }
  try {
    const inv = parseArgs(cmd.flags, args);
    if ((inv.flags as Record<string, unknown>).help === true) {
      process.stdout.write(formatHelp(cmd));
      return 0;
    }
    if (cmd.longRunning) Bun.unsafe.setJITPolicy(1);
    return await cmd.run(inv);
  } catch (e) {
    if (!(e instanceof DaguError)) throw e;
    // Only the message, as Dagu (cobra with usage silenced) prints for any command's error.
    process.stderr.write(`Error: ${e.message}\n`);
    return e.exitCode;
  }
}
