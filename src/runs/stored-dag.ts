/**
 * @module runs/stored-dag
 * The DAG as it was resolved for an attempt (`dag.json`), so a retry re-runs what ran then
 * even if the file changed since. Records written by Dagu itself hold Dagu's JSON shape,
 * which is not ours: for those the caller falls back to the DAG file. The few settings the
 * queue needs (`maxActiveRuns`, `location`) have the same keys in both and are read from either.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Dag } from "../core/dag.ts";

export function readStoredDag(attemptDir: string): Dag | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(attemptDir, "dag.json"), "utf8")) as Partial<Dag>;
    // Our Dag has `handlerOn` and steps with an `executor` object; Dagu's JSON has neither.
    const ours = Array.isArray(parsed.steps) && typeof parsed.handlerOn === "object" && parsed.steps.every((s) => typeof s?.executor === "object");
    return ours ? (parsed as Dag) : undefined;
  } catch {
    return undefined;
  }
}

export interface StoredDagSettings {
  readonly maxActiveRuns?: number;
  /** The DAG file the run was loaded from. */
  readonly location?: string;
}

/** `maxActiveRuns` and `location` of an attempt's `dag.json` (ours or Dagu's); empty when unreadable. */
export function storedDagSettings(attemptDir: string | undefined): StoredDagSettings {
  if (!attemptDir) return {};
  try {
    const d = JSON.parse(readFileSync(join(attemptDir, "dag.json"), "utf8")) as Record<string, unknown>;
    const max = d["maxActiveRuns"];
    const loc = d["location"];
    return { ...(typeof max === "number" ? { maxActiveRuns: max } : {}), ...(typeof loc === "string" && loc !== "" ? { location: loc } : {}) };
  } catch {
    return {};
  }
}
