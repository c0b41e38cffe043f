/**
 * @module cli/commands/start
 * `dagu start`: Run a DAG in the foreground.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { defaultWorkingDirFlag, nameFlag, newRunIdFlag, paramsFlag, workerIdFlag } from "../common-flags.ts";
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Begin execution of a DAG-run based on the specified DAG definition.

A DAG definition is a blueprint that defines the DAG structure. This command creates a new DAG-run
instance with a unique DAG-run ID.

Parameters after the "--" separator are passed as execution parameters (either positional or key=value pairs).
Flags can override default settings such as DAG-run ID, DAG name, or suppress output.

Examples:
  dagu start my_dag -- P1=foo P2=bar
  dagu start --name my_custom_name my_dag.yaml -- P1=foo P2=bar

This command parses the DAG definition, resolves parameters, and initiates the DAG-run execution.`;

export default notImplemented("start", "dagu start [flags] <DAG definition> [-- param1 param2 ...]", description, {
  ...defaultWorkingDirFlag,
  "from-run-id": { type: "string", description: "Historic dag-run ID to use as the template for a new run" },
  ...nameFlag,
  ...paramsFlag,
  parent: { type: "string", description: "[only for sub dag-runs] reference for the parent dag-run" },
  root: { type: "string", description: "[only for sub dag-runs] reference for the root dag-run" },
  ...newRunIdFlag,
  ...workerIdFlag,
});
