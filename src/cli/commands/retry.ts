/**
 * @module cli/commands/retry
 * `dagu retry`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("retry", "dagu retry [flags]", "Not implemented yet.", {});
