/**
 * @module cli/commands/worker
 * `dagu worker`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("worker", "dagu worker [flags]", "Not implemented yet.", {});
