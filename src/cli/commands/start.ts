/**
 * @module cli/commands/start
 * `dagu start`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("start", "dagu start [flags]", "Not implemented yet.", {});
