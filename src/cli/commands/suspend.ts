/**
 * @module cli/commands/suspend
 * `dagu suspend <dag>` / `dagu suspend --resume <dag>` (also `dagu resume <dag>`): set or
 * clear the DAG's suspend flag; the scheduler starts no scheduled run of a suspended DAG.
 * Dagu 1.30 toggles this only from its UI/API.
 */
import { UsageError } from "../../core/errors.ts";
import { dagNameFromArg } from "../../runs/run-lookup.ts";
import { SuspendFlags } from "../../store/suspend-flags.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { cliRunContext } from "../run-context.ts";

export function suspendCommand(name: "suspend" | "resume") {
  return defineCommand({
    name,
    usage: `dagu ${name} [flags] <DAG name or file>`,
    description:
      name === "suspend"
        ? "Suspend a DAG: the scheduler starts no scheduled run of it until it is resumed.\nManual `dagu start` still works."
        : "Resume a suspended DAG: the scheduler runs it on its schedule again.",
    flags: {
      ...globalFlags,
      ...(name === "suspend" ? { resume: { type: "boolean", description: "Clear the flag instead (same as `dagu resume`)" } } : {}),
    },
    async run({ flags, args }) {
      if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
      const { paths } = cliRunContext(flags["dagu-home"]);
      const dag = dagNameFromArg(args[0] as string, paths.dagsDir);
      const suspend = name === "suspend" && (flags as Record<string, unknown>).resume !== true;
      new SuspendFlags(paths.suspendFlagsDir).set(dag, suspend);
      if (!flags.quiet) process.stdout.write(`${dag}: ${suspend ? "suspended" : "resumed"}\n`);
      return 0;
    },
  });
}

export default suspendCommand("suspend");
