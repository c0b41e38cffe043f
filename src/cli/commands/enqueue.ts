/**
 * @module cli/commands/enqueue
 * `dagu enqueue`: Put a DAG-run on its queue.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { defaultWorkingDirFlag, nameFlag, newRunIdFlag, paramsFlag } from "../common-flags.ts";
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Enqueue a DAG-run to the queue.

Examples:
\tdagu enqueue --run-id=run_id my_dag -- P1=foo P2=bar
\tdagu enqueue --name my_custom_name my_dag.yaml -- P1=foo P2=bar`;

export default notImplemented("enqueue", "dagu enqueue [flags] <DAG definition> [-- param1 param2 ...]", description, {
  ...defaultWorkingDirFlag,
  ...nameFlag,
  ...paramsFlag,
  queue: { type: "string", short: "u", description: "Override the DAG-level queue definition" },
  ...newRunIdFlag,
});
