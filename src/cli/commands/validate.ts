/**
 * @module cli/commands/validate
 * `dagu validate`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("validate", "dagu validate [flags]", "Not implemented yet.", {});
