/**
 * @module cli/commands/cleanup
 * `dagu cleanup`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("cleanup", "dagu cleanup [flags]", "Not implemented yet.", {});
