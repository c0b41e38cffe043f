/**
 * @module cli/commands/server
 * `dagu server`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("server", "dagu server [flags]", "Not implemented yet.", {});
