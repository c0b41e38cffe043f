/**
 * @module runs/stop-run
 * Stop a run from any process: signal its owner (`dagu start`), which stops its steps, runs
 * the abort and exit handlers, and records the run as aborted; then wait for that record.
 */
import type { RunRecord } from "../core/run-record.ts";
import { isFinal } from "../core/status.ts";
import type { RunStore, StoredRun } from "../store/run-store.ts";
import { findRun, type LivenessProbe } from "./run-lookup.ts";

export type StopResult =
  | { readonly kind: "stopped"; readonly record: RunRecord }
  | { readonly kind: "not-running"; readonly reason: string }
  | { readonly kind: "timeout"; readonly run: StoredRun };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function stopRun(
  store: RunStore,
  dagName: string,
  opts: LivenessProbe & { readonly runId?: string; readonly waitMs?: number },
): Promise<StopResult> {
  const found = findRun(store, dagName, opts);
  if (found.kind === "none") return { kind: "not-running", reason: found.reason };
  if (found.dead) return { kind: "not-running", reason: `DAG-run ${found.record.dagRunId} is not running: ${found.record.error ?? "its owner is gone"}` };
  if (isFinal(found.record.status)) return { kind: "not-running", reason: `DAG-run ${found.record.dagRunId} of ${dagName} is not running` };
  try {
    process.kill(found.record.pid, "SIGTERM");
  } catch {
    return { kind: "not-running", reason: `the process of DAG-run ${found.record.dagRunId} (pid ${found.record.pid}) is gone` };
  }
  const deadline = Date.now() + (opts.waitMs ?? 120_000);
  while (Date.now() < deadline) {
    await sleep(100);
    const rec = store.readLatest(found.run);
    if (rec && isFinal(rec.status)) return { kind: "stopped", record: rec };
  }
  return { kind: "timeout", run: found.run };
}
