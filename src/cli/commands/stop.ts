/**
 * @module cli/commands/stop
 * `dagu stop <dag> [-r id]`: signal the run's owner process, which stops its steps, runs the
 * abort and exit handlers and records the run aborted; wait for that record.
 */
import { DaguError, UsageError } from "../../core/errors.ts";
import { dagNameFromArg } from "../../runs/run-lookup.ts";
import { stopRun } from "../../runs/stop-run.ts";
import { defineCommand, globalFlags } from "../command.ts";
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
    const name = dagNameFromArg(args[0] as string, paths.dagsDir);
    const r = await stopRun(store, name, { procDir: paths.procDir, ...(flags["run-id"] ? { runId: flags["run-id"] } : {}) });
    switch (r.kind) {
      case "stopped":
        if (!flags.quiet) process.stdout.write(`DAG-run ${r.record.dagRunId} of ${name} stopped\n`);
        return 0;
      case "not-running":
        throw new DaguError(r.reason);
      case "timeout":
        throw new DaguError(`DAG-run ${r.run.runId} of ${name} did not stop in time; it may still be cleaning up`);
    }
  },
});
