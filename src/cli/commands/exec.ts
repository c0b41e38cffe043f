/**
 * @module cli/commands/exec
 * `dagu exec`: Run a one-off command as a DAG-run.
 * Not implemented yet: help text and flags match Dagu 1.30.2, so scripts written for Dagu
 * parse the same way and get a clear "not implemented" exit (code 2).
 */
import { nameFlag, newRunIdFlag } from "../common-flags.ts";
import { notImplemented } from "../not-implemented.ts";

// Dagu's long help, verbatim (trailing spaces dropped).
const description = `Execute a one-off command as a DAG run without creating a DAG YAML file.

Examples:
  dagu exec -- echo "hello world"
  dagu exec --env FOO=bar -- sh -c 'echo $FOO'
  dagu exec --worker-label role=batch -- python remote_script.py`;

export default notImplemented("exec", "dagu exec [flags] -- <command> [args...]", description, {
  base: { type: "string", description: "Path to a base DAG YAML whose defaults are applied before inline overrides" },
  dotenv: { type: "stringArray", description: "Path to a dotenv file to load before execution; repeatable" },
  env: { type: "stringArray", short: "E", description: "Environment variable (KEY=VALUE) to include in the run; repeatable" },
  ...nameFlag,
  ...newRunIdFlag,
  shell: { type: "string", description: "Override shell binary for the command (default: use DAGU default shell)" },
  workdir: { type: "string", description: "Working directory for executing the command (default: current directory)" },
  "worker-label": {
    type: "stringArray",
    description: "Worker label selector (key=value) for distributed execution; repeatable",
  },
});
