/**
 * @module cli/commands/enqueue
 * `dagu enqueue`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("enqueue", "dagu enqueue [flags]", "Not implemented yet.", {});
