/**
 * @module cli/commands/dequeue
 * `dagu dequeue`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("dequeue", "dagu dequeue [flags]", "Not implemented yet.", {});
