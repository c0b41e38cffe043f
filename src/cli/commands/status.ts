/**
 * @module cli/commands/status
 * `dagu status <dag> [-r runId] [--format json]`: the tree summary of the latest run (or one
 * run), as Dagu 1.30.2 prints it; colours only on a terminal, as Dagu. A run recorded as
 * running whose owner died is shown as failed (runs/run-lookup.ts). `--format json` (ours)
 * prints the corrected record itself, for scripts.
 */
import { resolvePaths } from "../../config/paths.ts";
import { DaguError, UsageError } from "../../core/errors.ts";
import { findRun, dagNameFromArg } from "../../runs/run-lookup.ts";
import { FileRunStore } from "../../store/file-run-store.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { renderRunTree } from "../run-tree.ts";

// Dagu's long help, verbatim (trailing spaces dropped), plus our --format.
const description = `Show real-time status information for a specified DAG-run instance.

This command retrieves and displays the current execution status of a DAG-run,
including its state (running, completed, failed), process ID, and other relevant details.

Flags:
  --run-id string (optional) Unique identifier of the DAG-run to check.
                                 If not provided, it will show the status of the
                                 most recent DAG-run for the given name.

Example:
  dagu status --run-id=abc123 my_dag
  dagu status my_dag  # Shows status of the most recent DAG-run`;

export default defineCommand({
  name: "status",
  usage: "dagu status [flags] <DAG name>",
  description,
  flags: {
    ...globalFlags,
    "run-id": { type: "string", short: "r", description: "dag-run ID for checking the status of a dag-run" },
    format: { type: "string", description: "Output format: tree (Dagu's summary) or json (the run record)", defaultText: '"tree"' },
  },
  async run({ flags, args }) {
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const format = flags.format ?? "tree";
    if (format !== "tree" && format !== "json") throw new UsageError(`invalid --format "${format}": use tree or json`);
    const paths = resolvePaths(flags["dagu-home"]);
    const name = dagNameFromArg(args[0] as string, paths.dagsDir);
    const store = new FileRunStore(paths.dagRunsDir, paths.logDir);
    const runId = flags["run-id"] || undefined;
    const found = findRun(store, name, { procDir: paths.procDir, ...(runId ? { runId } : {}) });
    // Dagu's wording, store error included, so scripts matching its messages keep working.
    if (found.kind === "none")
      throw new DaguError(
        runId
          ? `failed to extract attempt ID: failed to find run data for dag-run ID ${runId}: dag-run ID not found: ${runId}`
          : `failed to extract attempt ID: failed to find the latest run data for DAG ${name}: no status data`,
      );
    if (format === "json") {
      process.stdout.write(`${JSON.stringify(found.record, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(renderRunTree(found.record, { color: process.stdout.isTTY === true }));
    return 0;
  },
});
