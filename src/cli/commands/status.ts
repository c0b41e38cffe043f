/**
 * @module cli/commands/status
 * `dagu status`: Show the status of a DAG-run.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
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

export default notImplemented("status", "dagu status [flags] <DAG name>", description, {
  "run-id": { type: "string", short: "r", description: "dag-run ID for checking the status of a dag-run" },
});
