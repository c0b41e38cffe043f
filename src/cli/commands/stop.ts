/**
 * @module cli/commands/stop
 * `dagu stop <dag> [-r id]`: signal the owner process of the run (with -r) or of every running
 * run of the DAG (without), which stops its steps, runs the abort and exit handlers and
 * records the run aborted; wait for that record. As in Dagu: nothing on stdout, and exit 0
 * when there is nothing to stop; an unknown -r is an error.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { DaguError, UsageError } from "../../core/errors.ts";
import { RunStatus } from "../../core/status.ts";
import { dagNameFromArg, findRun } from "../../runs/run-lookup.ts";
import { stopRun } from "../../runs/stop-run.ts";
import { queueHeartbeats, procQueues } from "../../store/proc-dir.ts";
import type { RunStore } from "../../store/run-store.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { loadDagArg } from "../load-dag-arg.ts";
import { cliRunContext } from "../run-context.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Gracefully terminate an active DAG-run instance.

This command sends termination signals to all running tasks of the specified DAG-run,
ensuring resources are properly released and cleanup handlers are executed. It waits
for tasks to complete their shutdown procedures before exiting.

Flags:
  --run-id string   (optional) Unique identifier of the DAG-run to stop.
                                   If not provided, it will find and stop the currently
                                   running DAG-run by the given DAG definition name.

Example:
  dagu stop --run-id=abc123 my_dag`;

/**
 * Ids of the DAG's runs that may be running: every heartbeat filed under the DAG (all
 * queues), plus its latest run when that is running (a run that has not written its first
 * heartbeat yet). stopRun re-checks each one, so a stale candidate costs nothing.
 */
function runningRunIds(store: RunStore, procDir: string, dagName: string): string[] {
  const ids = new Set<string>();
  for (const q of procQueues(procDir)) {
    for (const h of queueHeartbeats(procDir, q)) {
      if (h.dagName === dagName || (h.dagName === undefined && store.findRun(dagName, h.runId))) ids.add(h.runId);
    }
  }
  const latest = findRun(store, dagName, { procDir });
  if (latest.kind === "found" && latest.record.status === RunStatus.Running && !latest.dead) ids.add(latest.record.dagRunId);
  return [...ids];
}

export default defineCommand({
  name: "stop",
  usage: "dagu stop [flags] <DAG name>",
  description,
  flags: {
    ...globalFlags,
    "run-id": { type: "string", short: "r", description: "dag-run ID for stopping a dag-run" },
  },
  async run({ flags, args }) {
    if (args.length !== 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const { paths, store } = cliRunContext(flags["dagu-home"]);
    const arg = args[0] as string;
    const runId = flags["run-id"] || undefined;
    let name: string;
    let targets: string[];
    if (runId !== undefined) {
      name = dagNameFromArg(arg, paths.dagsDir);
      if (!store.findRun(name, runId)) throw new DaguError(`failed to find the record for dag-run ID ${runId}: dag-run ID not found: ${runId}`);
      targets = [runId];
    } else {
      // Dagu loads the DAG here (its file must be valid) and stops every running run of it.
      // Dagu 1.30.2 only looks for the file relative to the current directory; we also find a
      // DAG by name in the DAGs folder (after `<arg>.yaml` here), as every other command does.
      const inCwd = resolve(/\.ya?ml$/.test(arg) ? arg : `${arg}.yaml`);
      name = (await loadDagArg(existsSync(inCwd) ? inCwd : arg, { dagsDir: paths.dagsDir, baseConfig: paths.baseConfig })).name;
      targets = runningRunIds(store, paths.procDir, name);
    }
    for (const id of targets) {
      const r = await stopRun(store, name, { procDir: paths.procDir, runId: id });
      if (r.kind === "timeout") throw new DaguError(`failed to stop DAG: DAG-run ${id} of ${name} did not stop in time; it may still be cleaning up`);
    }
    return 0;
  },
});
