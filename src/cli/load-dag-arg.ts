/**
 * @module cli/load-dag-arg
 * Load the DAG a run command names (start, dry, stop, restart), reporting failures the way
 * Dagu 1.30.2's commands do: `failed to load DAG from <arg>: …`, and for a missing file Go's
 * own wording (`failed to open file "<path>": open <path>: no such file or directory`), so
 * scripts matching Dagu's messages keep working. Validation problems keep our positions.
 */
import { existsSync } from "node:fs";
import type { Dag } from "../core/dag.ts";
import { DaguError, SpecError } from "../core/errors.ts";
import { type LoadOptions, loadDag, resolveDagPath } from "../spec/loader.ts";

export async function loadDagArg(arg: string, opts: LoadOptions): Promise<Dag> {
  const prefix = `failed to load DAG from ${arg}`;
  const file = resolveDagPath(arg, opts);
  if (!existsSync(file)) throw new DaguError(`${prefix}: failed to open file "${file}": open ${file}: no such file or directory`);
  try {
    return await loadDag(arg, opts);
  } catch (e) {
    // Only the user-facing errors get the prefix; a bug keeps its own error and stack.
    if (e instanceof SpecError || e instanceof DaguError) throw new DaguError(`${prefix}: ${e.message}`);
    throw e;
  }
}
