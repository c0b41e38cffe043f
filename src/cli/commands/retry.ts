/**
 * @module cli/commands/retry
 * `dagu retry`: Re-run a finished DAG-run under the same run ID.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { workerIdFlag } from "../common-flags.ts";
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Create a new run for a previously executed DAG-run using the same DAG-run ID.

Flags:
  --run-id string (required) Unique identifier of the DAG-run to retry.
  --step string (optional) Retry only the specified step.

Examples:
  dagu retry --run-id=abc123 my_dag
  dagu retry --run-id=abc123 my_dag.yaml`;

export default notImplemented("retry", "dagu retry [flags] <DAG name or file>", description, {
  "run-id": { type: "string", short: "r", description: "Unique dag-run ID to retry a dag-run" },
  step: { type: "string", description: "Retry only the specified step (optional)" },
  ...workerIdFlag,
});
