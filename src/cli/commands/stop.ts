/**
 * @module cli/commands/stop
 * `dagu stop`: Stop a running DAG-run.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { notImplemented } from "../not-implemented.ts";

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

export default notImplemented("stop", "dagu stop [flags] <DAG name>", description, {
  "run-id": { type: "string", short: "r", description: "dag-run ID for stopping a dag-run" },
});
