/**
 * @module cli/commands/start-all
 * `dagu start-all`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("start-all", "dagu start-all [flags]", "Not implemented yet.", {});
