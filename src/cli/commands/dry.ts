/**
 * @module cli/commands/dry
 * `dagu dry`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("dry", "dagu dry [flags]", "Not implemented yet.", {});
