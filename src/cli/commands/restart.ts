/**
 * @module cli/commands/restart
 * `dagu restart <dag> [-r id]`: stop the running run (if any), wait restartWaitSec, then start
 * a new run with the same params.
 */
import { DaguError, UsageError } from "../../core/errors.ts";
import { RunStatus } from "../../core/status.ts";
import { dagNameFromArg, findRun } from "../../runs/run-lookup.ts";
import { stopRun } from "../../runs/stop-run.ts";
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
    const dag = await loadDag(arg, { dagsDir: paths.dagsDir, baseConfig: paths.baseConfig });
    const name = dagNameFromArg(arg, paths.dagsDir);
    const probe = { procDir: paths.procDir, ...(flags["run-id"] ? { runId: flags["run-id"] } : {}) };
    const found = findRun(store, name, probe);
    if (found.kind === "none") throw new DaguError(found.reason);
    if (found.record.status === RunStatus.Running && !found.dead) {
      const stopped = await stopRun(store, name, { ...probe, runId: found.record.dagRunId });
      if (stopped.kind === "timeout") throw new DaguError(`DAG-run ${found.record.dagRunId} did not stop in time`);
    }
    if (dag.restartWaitSec > 0) await new Promise((r) => setTimeout(r, dag.restartWaitSec * 1000));
    return runInForeground(ctx, { dag, runId: Bun.randomUUIDv7(), paramOverrides: found.record.paramsList ?? [], quiet: flags.quiet });
  },
});
