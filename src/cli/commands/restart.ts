/**
 * @module cli/commands/restart
 * `dagu restart`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("restart", "dagu restart [flags]", "Not implemented yet.", {});
