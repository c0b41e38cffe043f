/**
 * @module runs/dequeue-run
 * Take a queued run off its queue, as `dagu dequeue` does in Dagu 1.30: the run must still be
 * queued; its queue item goes, its queued attempt is hidden (`.attempt_…`), and a run left with
 * no visible attempt is removed, so the id no longer resolves. The queued attempt is claimed
 * first (the same claim `dagu start` takes), so a dequeue racing a queue consumer either wins
 * — and the run never starts — or loses with an error, never both.
 */
import { DaguError } from "../core/errors.ts";
import type { DagRunRef } from "../core/run-record.ts";
import { RunStatus, runStatusName } from "../core/status.ts";
import type { QueueStore } from "../store/queue-store.ts";
import type { RunStore } from "../store/run-store.ts";

export interface DequeueResult {
  readonly queue: string;
  readonly dagRun: DagRunRef;
  /** The run had no other attempt and was removed. */
  readonly removed: boolean;
}

/** `name:id` (the id is after the last colon). */
export function parseDagRunRef(value: string): DagRunRef {
  const at = value.lastIndexOf(":");
  if (at <= 0 || at === value.length - 1) throw new DaguError(`failed to parse dag-run reference ${value}: invalid dag-run reference format`);
  return { name: value.slice(0, at), id: value.slice(at + 1) };
}

/** Dequeue `ref` from `queue`, or, without `ref`, the oldest item of `queue`. */
export function dequeueRun(runs: RunStore, queues: QueueStore, queue: string, ref?: DagRunRef): DequeueResult {
  let dagRun = ref;
  if (dagRun === undefined) {
    const first = queues.takeFirst(queue);
    if (!first) throw new DaguError(`failed to dequeue from queue ${queue}: queue is empty`);
    dagRun = first.dagRun;
  }
  const run = runs.findRun(dagRun.name, dagRun.id);
  if (!run) throw new DaguError(`failed to find the record for dag-run ID ${dagRun.id}: dag-run ID not found: ${dagRun.id}`);
  const record = runs.readLatest(run);
  if (!record) throw new DaguError(`failed to read status: dag-run ${dagRun.id} has no readable status`);
  if (record.status !== RunStatus.Queued) throw new DaguError(`dag-run ${dagRun.id} is not in queued status but ${runStatusName(record.status)}`);
  if (!runs.claimAttempt(run, record.attemptId)) throw new DaguError(`dag-run ${dagRun.id} is not in queued status but running`);
  // Waiting items and a consumer's claim alike: the run will not start now.
  queues.remove(queue, dagRun.id, { includeClaims: true });
  runs.hideAttempt(run, record.attemptId);
  const removed = runs.latestAttemptDir(run) === undefined;
  if (removed) runs.removeRun(run);
  return { queue, dagRun, removed };
}
