/**
 * @module cli/commands/dequeue
 * `dagu dequeue`: Remove a queued DAG-run from a queue.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { paramsFlag } from "../common-flags.ts";
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Dequeue a DAG-run from the queue.

Example:
\tdagu dequeue default --dag-run=dag_name:my_dag_run_id
\tdagu dequeue default`;

export default notImplemented("dequeue", "dagu dequeue [flags] <queue-name>", description, {
  "dag-run": { type: "string", short: "d", description: "<DAG-name>:<run-id> to dequeue a dag-run" },
  ...paramsFlag,
});
