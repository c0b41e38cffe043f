/**
 * @module scheduler/zombie-sweeper
 * Runs recorded as running whose owner process is gone (SIGKILL, OOM, reboot) are recorded
 * as failed, and their heartbeat files removed so their queue slots free up — every
 * `zombieDetectionInterval` (45 s by default), as Dagu's scheduler does.
 */
import { readdirSync } from "node:fs";
import type { RunRecord } from "../core/run-record.ts";
import { RunStatus } from "../core/status.ts";
import { deadOwnerReason, type LivenessProbe, markDead } from "../runs/run-lookup.ts";
import { removeHeartbeats } from "../store/proc-dir.ts";
import type { RunStore } from "../store/run-store.ts";

export interface SweepResult {
  readonly dagName: string;
  readonly runId: string;
  readonly reason: string;
}

/** Look at the newest `perDag` runs of each DAG that has history; fix the dead ones. */
export function sweepZombies(store: RunStore, dagRunsDir: string, probe: LivenessProbe, perDag = 20): SweepResult[] {
  const fixed: SweepResult[] = [];
  let dags: string[];
  try {
    dags = readdirSync(dagRunsDir);
  } catch {
    return fixed;
  }
  for (const dagName of dags) {
    for (const run of store.listRuns(dagName, { limit: perDag })) {
      // Most runs are long finished: tell that from the record's first bytes, parse only the rest.
      if (store.surelyFinished(run)) continue;
      const rec = store.readLatest(run);
      if (!rec || rec.status !== RunStatus.Running) continue;
      const reason = deadOwnerReason(rec, probe);
      if (reason === undefined) continue;
      const dead: RunRecord = { ...markDead(rec, reason), finishedAt: new Date().toISOString(), createdAt: Date.now() };
      store.appendRecord(run, dead);
      removeHeartbeats(probe.procDir, rec.dagRunId);
      fixed.push({ dagName, runId: rec.dagRunId, reason });
    }
  }
  return fixed;
}
