/**
 * @module cli/commands/stop
 * `dagu stop`: not implemented yet.
 */
import { notImplemented } from "../not-implemented.ts";

export default notImplemented("stop", "dagu stop [flags]", "Not implemented yet.", {});
