/**
 * @module cli/commands/exec
 * `dagu exec`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("exec", "dagu exec [flags]", "Not implemented yet.", {});
