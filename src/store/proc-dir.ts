/**
 * @module store/proc-dir
 * The heartbeat folder `data/proc` in Dagu's layout: `<queue>/<dag>/proc_<stamp>Z_<runId>.proc`,
 * one file per running run, written by the run's owner (store/proc-file.ts). This module is
 * the one reader of that layout: the queue consumer counts a queue's live runs here, the
 * server lists them, run lookups find one run's heartbeat, the zombie sweeper removes it.
 * Files directly under `<queue>/` (the layout of earlier builds of ours) are read too.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readHeartbeat } from "./proc-file.ts";
import { stamp } from "./run-layout.ts";

/** Dagu's scheduler declares a run a zombie after this long without a heartbeat (3 missed beats). */
export const staleHeartbeatMs = 45_000;

const procPattern = /^proc_\d{8}_\d{6}Z_(.+)\.proc$/;

/** Where a run's owner writes its heartbeat. */
export function procFile(procDir: string, queue: string, dagName: string, startedAt: Date, runId: string): string {
  return join(procDir, queue, dagName, `proc_${stamp(startedAt)}Z_${runId}.proc`);
}

export interface Heartbeat {
  readonly queue: string;
  /** The run's DAG (undefined for a file of the earlier flat layout). */
  readonly dagName: string | undefined;
  readonly runId: string;
  readonly path: string;
}

/** How freshness is judged; tests replace the clock and the reader. */
export interface HeartbeatClock {
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** Last heartbeat (ms) of a file, undefined if unreadable. */
  readonly heartbeatAt?: (path: string) => number | undefined;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Names of the queue folders that exist. */
export function procQueues(procDir: string): string[] {
  return list(procDir).filter((q) => !q.startsWith("."));
}

/** Every heartbeat file of one queue, fresh or not. */
export function queueHeartbeats(procDir: string, queue: string): Heartbeat[] {
  const dir = join(procDir, queue);
  const out: Heartbeat[] = [];
  for (const entry of list(dir)) {
    const flat = procPattern.exec(entry);
    if (flat) {
      out.push({ queue, dagName: undefined, runId: flat[1] as string, path: join(dir, entry) });
      continue;
    }
    // Not a heartbeat: a DAG's folder (list() gives nothing for a stray file).
    for (const f of list(join(dir, entry))) {
      const m = procPattern.exec(f);
      if (m) out.push({ queue, dagName: entry, runId: m[1] as string, path: join(dir, entry, f) });
    }
  }
  return out;
}

/** Whether a heartbeat is recent. A file being written may read short: it counts (never under-count a run). */
export function isFresh(path: string, clock: HeartbeatClock = {}): boolean {
  const at = (clock.heartbeatAt ?? readHeartbeat)(path);
  return at === undefined || (clock.now ?? Date.now)() - at <= staleHeartbeatMs;
}

/** The runs of one queue with a fresh heartbeat. */
export function liveRuns(procDir: string, queue: string, clock: HeartbeatClock = {}): Heartbeat[] {
  return queueHeartbeats(procDir, queue).filter((h) => isFresh(h.path, clock));
}

/** The runs with a fresh heartbeat, by queue (queues without any are left out). */
export function allLiveRuns(procDir: string, clock: HeartbeatClock = {}): Map<string, Heartbeat[]> {
  const out = new Map<string, Heartbeat[]>();
  for (const q of procQueues(procDir)) {
    const live = liveRuns(procDir, q, clock);
    if (live.length > 0) out.set(q, live);
  }
  return out;
}

/** The heartbeat file of one run: in its DAG's own queue first, other queues when the DAG names one. */
export function findHeartbeat(procDir: string, dagName: string, runId: string): string | undefined {
  const suffix = `Z_${runId}.proc`;
  const queues = procQueues(procDir);
  const ordered = queues.includes(dagName) ? [dagName, ...queues.filter((q) => q !== dagName)] : queues;
  for (const q of ordered) {
    for (const dir of [join(procDir, q, dagName), join(procDir, q)]) {
      const hit = list(dir).find((f) => f.startsWith("proc_") && f.endsWith(suffix));
      if (hit) return join(dir, hit);
    }
  }
  return undefined;
}

/** Remove every heartbeat file of a run (its owner died without removing it). */
export function removeHeartbeats(procDir: string, runId: string): void {
  for (const q of procQueues(procDir)) {
    for (const h of queueHeartbeats(procDir, q)) if (h.runId === runId) rmSync(h.path, { force: true });
  }
}
