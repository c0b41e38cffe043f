/**
 * @module runs/queue-capacity
 * How many runs of a queue may run at once, as Dagu decides it: a global queue's configured
 * `maxActiveRuns` (at least 1); otherwise the DAG's `maxActiveRuns` as stored with the run
 * (`dag.json`): 1 when unset or 0, unlimited when negative. The queue consumer starts runs by
 * it and the API shows it, so both say the same.
 */
import type { DagRunRef } from "../core/run-record.ts";
import type { RunStore } from "../store/run-store.ts";
import { storedDagSettings } from "./stored-dag.ts";

/** Global queues from config (`name` → `maxActiveRuns`/`maxConcurrency`), each at least 1. */
export function globalCapacities(config: readonly { readonly name: string; readonly maxConcurrency: number }[]): Map<string, number> {
  return new Map(config.map((q) => [q.name, Math.max(1, q.maxConcurrency)] as const));
}

/** A DAG-based queue's capacity from the DAG's `maxActiveRuns`; `Infinity` = no limit. */
function dagCapacity(maxActiveRuns: number | undefined): number {
  if (maxActiveRuns === undefined || maxActiveRuns === 0) return 1;
  return maxActiveRuns < 0 ? Number.POSITIVE_INFINITY : maxActiveRuns;
}

/** Capacity of the DAG-based queue of a run, from its attempt's `dag.json`. */
export function dagRunCapacity(attemptDir: string | undefined): number {
  return dagCapacity(storedDagSettings(attemptDir).maxActiveRuns);
}

/**
 * Capacity of `queue`: its global setting, else the `maxActiveRuns` of `dagRun`'s DAG (the
 * first run waiting in it). `Infinity` = no limit.
 */
export function queueCapacity(queue: string, globals: ReadonlyMap<string, number>, store: RunStore, dagRun?: DagRunRef): number {
  const g = globals.get(queue);
  if (g !== undefined) return g;
  if (!dagRun) return 1;
  const run = store.findRun(dagRun.name, dagRun.id);
  return dagRunCapacity(run ? store.latestAttemptDir(run) : undefined);
}
