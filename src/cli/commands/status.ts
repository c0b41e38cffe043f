/**
 * @module cli/commands/status
 * `dagu status`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("status", "dagu status [flags]", "Not implemented yet.", {});
