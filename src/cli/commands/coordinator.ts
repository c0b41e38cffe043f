/**
 * @module cli/commands/coordinator
 * `dagu coordinator`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("coordinator", "dagu coordinator [flags]", "Not implemented yet.", {});
