/**
 * @module cli/commands/restart
 * `dagu restart <dag> [-r id]`: as Dagu, only a running run is restarted: stop it, wait
 * restartWaitSec, then start a new run (new id) of the DAG as recorded for that run, with the
 * same params. Anything else (no run, a finished run) is an error worded as Dagu's.
 */
import { DaguError, UsageError } from "../../core/errors.ts";
import { RunStatus, runStatusName } from "../../core/status.ts";
import { dagNameFromArg, findRun } from "../../runs/run-lookup.ts";
import { stopRun } from "../../runs/stop-run.ts";
import { readStoredDag } from "../../runs/stored-dag.ts";
import { loadDag } from "../../spec/loader.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { cliRunContext, runInForeground } from "../run-context.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Stop a currently running DAG-run and immediately restart it with the same configuration but with a new DAG-run ID.

It first gracefully stops the active DAG-run, ensuring all resources are properly released, then
initiates a new DAG-run with identical parameters.

Flags:
  --run-id string (optional) Unique identifier of the DAG-run to restart. If not provided,
                             the command will find the current running DAG-run by the given DAG name.

Example:
  dagu restart --run-id=abc123 my_dag`;

export default defineCommand({
  name: "restart",
  usage: "dagu restart [flags] <DAG name>",
  description,
  flags: {
    ...globalFlags,
    "run-id": { type: "string", short: "r", description: "dag-run ID for restarting a dag-run" },
  },
  async run({ flags, args }) {
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const ctx = cliRunContext(flags["dagu-home"]);
    const { paths, store } = ctx;
    const arg = args[0] as string;
    // Dagu takes the argument as the DAG's name; a file argument names its DAG here too.
    const name = dagNameFromArg(arg, paths.dagsDir);
    const runId = flags["run-id"] || undefined;
    const found = findRun(store, name, { procDir: paths.procDir, ...(runId ? { runId } : {}) });
    if (found.kind === "none")
      throw new DaguError(
        runId
          ? `failed to find the run for dag-run ID ${runId}: dag-run ID not found: ${runId}`
          : `failed to find the latest execution history for DAG ${arg}: no status data`,
      );
    // A run whose owner died reads as failed (runs/run-lookup.ts): not running either.
    if (found.record.status !== RunStatus.Running || found.dead)
      throw new DaguError(`DAG ${arg} is not running, current status: ${runStatusName(found.record.status)}`);
    const attemptDir = store.latestAttemptDir(found.run);
    const dag = (attemptDir ? readStoredDag(attemptDir) : undefined) ?? (await loadDag(arg, { dagsDir: paths.dagsDir, baseConfig: paths.baseConfig }));
    const stopped = await stopRun(store, name, { procDir: paths.procDir, runId: found.record.dagRunId });
    if (stopped.kind === "timeout") throw new DaguError(`restart process failed for DAG ${dag.name}: failed to stop running DAG: DAG-run ${found.record.dagRunId} did not stop in time`);
    if (dag.restartWaitSec > 0) await new Promise((r) => setTimeout(r, dag.restartWaitSec * 1000));
    return runInForeground(ctx, {
      dag,
      runId: Bun.randomUUIDv7(),
      paramOverrides: found.record.paramsList ?? [],
      quiet: flags.quiet,
      wrapError: (_message, why) => `restart process failed for DAG ${dag.name}: dag-run failed: ${why}`,
    });
  },
});
