/**
 * @module cli/commands/migrate
 * `dagu migrate`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("migrate", "dagu migrate [flags]", "Not implemented yet.", {});
