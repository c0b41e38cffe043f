/**
 * @module runs/run-lookup
 * Find a DAG's run (the latest, or one by id) and say honestly whether it is still running.
 * A record stays `running` forever when its owner is killed (SIGKILL, OOM, reboot): nobody
 * writes the final snapshot. So a running record whose owner pid is gone, or whose heartbeat
 * stopped, is reported as failed, and readers never show a run as running forever.
 */
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { parseAllDocuments } from "yaml";
import type { NodeRecord, RunRecord } from "../core/run-record.ts";
import { NodeStatus, RunStatus } from "../core/status.ts";
import { resolveDagPath } from "../spec/loader.ts";
import { findHeartbeat, type HeartbeatClock, isFresh } from "../store/proc-dir.ts";
import { isProcessAlive } from "../store/proc-file.ts";
import type { RunStore, StoredRun } from "../store/run-store.ts";

export type RunLookup =
  | {
      readonly kind: "found";
      readonly run: StoredRun;
      /** The newest snapshot, already corrected to `failed` when `dead`. */
      readonly record: RunRecord;
      /** The record said running but its owner is gone. */
      readonly dead: boolean;
    }
  | {
      readonly kind: "none";
      /** Why nothing was found, worded for the user. */
      readonly reason: string;
    };

/** How liveness is judged; tests replace the probes. */
export interface LivenessProbe extends HeartbeatClock {
  /** `data/proc` (store/proc-dir.ts). */
  readonly procDir: string;
  readonly isAlive?: (pid: number) => boolean;
}

export interface FindRunOptions extends LivenessProbe {
  /** A specific run; the latest when absent. */
  readonly runId?: string;
}

/**
 * Why a `running` record is dead, or undefined when it may be alive. Only local owners are
 * judged: a pid means nothing on another machine. A missing heartbeat file alone proves
 * nothing (the owner may not have written its first beat yet), a stale one does.
 */
export function deadOwnerReason(record: RunRecord, probe: LivenessProbe): string | undefined {
  if (record.status !== RunStatus.Running) return undefined;
  if (record.workerId !== undefined && record.workerId !== "" && record.workerId !== "local") return undefined;
  const isAlive = probe.isAlive ?? isProcessAlive;
  const gone = `the process running this DAG-run is gone (pid ${record.pid})`;
  if (!isAlive(record.pid)) return gone;
  const hb = findHeartbeat(probe.procDir, record.name, record.dagRunId);
  if (hb === undefined) return undefined;
  return isFresh(hb, probe) ? undefined : gone;
}

/** The record as it should be read: failed, with the reason, running steps failed too. */
export function markDead(record: RunRecord, reason: string): RunRecord {
  const fix = (n: NodeRecord): NodeRecord => (n.status === NodeStatus.Running ? { ...n, status: NodeStatus.Failed, error: reason } : n);
  return { ...record, status: RunStatus.Failed, error: reason, nodes: record.nodes.map(fix) };
}

/** Read a run's snapshot with the dead-owner correction applied. */
export function readRun(store: RunStore, run: StoredRun, probe: LivenessProbe): { record: RunRecord; dead: boolean } | undefined {
  const raw = store.readLatest(run);
  if (!raw) return undefined;
  const reason = deadOwnerReason(raw, probe);
  return reason === undefined ? { record: raw, dead: false } : { record: markDead(raw, reason), dead: true };
}

/** The latest run of a DAG (or the one with `runId`), with liveness decided. */
export function findRun(store: RunStore, dagName: string, opts: FindRunOptions): RunLookup {
  if (opts.runId !== undefined) {
    const run = store.findRun(dagName, opts.runId);
    if (!run) return { kind: "none", reason: `no DAG-run with ID ${opts.runId} for DAG ${dagName}` };
    const read = readRun(store, run, opts);
    if (!read) return { kind: "none", reason: `DAG-run ${opts.runId} of DAG ${dagName} has no readable status` };
    return { kind: "found", run, ...read };
  }
  // The newest run may have just been created and not have written its first snapshot yet:
  // look a few runs further rather than fail.
  for (const run of store.listRuns(dagName, { limit: 5 })) {
    const read = readRun(store, run, opts);
    if (read) return { kind: "found", run, ...read };
  }
  return { kind: "none", reason: `no DAG-run found for DAG ${dagName}` };
}

/**
 * The DAG name a command argument means, as Dagu decides it: a `.yaml`/`.yml` argument is a
 * file whose `name:` (or file name) is the DAG's name; anything else is the name itself. Only
 * the name is read, so a run of a DAG whose file has since become invalid can still be shown.
 */
export function dagNameFromArg(arg: string, dagsDir: string): string {
  const ext = extname(arg);
  if (ext !== ".yaml" && ext !== ".yml") return arg;
  const file = resolveDagPath(arg, { dagsDir });
  const stem = basename(file, extname(file));
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return stem;
  }
  try {
    const [first] = parseAllDocuments(text);
    const doc = first && "toJS" in first ? (first.toJS() as unknown) : undefined;
    if (doc && typeof doc === "object" && !Array.isArray(doc)) {
      const name = (doc as Record<string, unknown>)["name"];
      if (typeof name === "string" && name.trim() !== "") return name.trim();
    }
  } catch {
    // Unparsable YAML: the file name still names the DAG.
  }
  return stem;
}
