/**
 * @module cli/commands/scheduler
 * `dagu scheduler`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("scheduler", "dagu scheduler [flags]", "Not implemented yet.", {});
