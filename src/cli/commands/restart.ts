/**
 * @module cli/commands/restart
 * `dagu restart`: Stop a running DAG-run and start it again under a new ID.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Stop a currently running DAG-run and immediately restart it with the same configuration but with a new DAG-run ID.

It first gracefully stops the active DAG-run, ensuring all resources are properly released, then
initiates a new DAG-run with identical parameters.

Flags:
  --run-id string (optional) Unique identifier of the DAG-run to restart. If not provided,
                             the command will find the current running DAG-run by the given DAG name.

Example:
  dagu restart --run-id=abc123 my_dag`;

export default notImplemented("restart", "dagu restart [flags] <DAG name>", description, {
  "run-id": { type: "string", short: "r", description: "dag-run ID for restarting a dag-run" },
});
