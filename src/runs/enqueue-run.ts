/**
 * @module runs/enqueue-run
 * Put a run on its queue, as `dagu enqueue` (and the scheduler, the API) do in Dagu 1.30: the
 * run is recorded first with status `queued` (5) and `queuedAt`, the DAG as resolved now
 * (`dag.json`: name, queue and working-dir overrides, params already evaluated), then the queue
 * item is written. A reader never sees an item without its run; a crash between the two leaves
 * a queued run with no item, never an item pointing nowhere.
 * Also reads the `queues:` settings of config.yaml (enabled flag, global queues).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { Dag } from "../core/dag.ts";
import { DaguError } from "../core/errors.ts";
import { formatTime, type NodeRecord, type RunRecord } from "../core/run-record.ts";
import { RunStatus } from "../core/status.ts";
import type { QueuedItem, QueuePriority, QueueStore } from "../store/queue-store.ts";
import type { RunStore } from "../store/run-store.ts";

/** The queue a DAG's runs go to: its `queue:` or its name (Dagu's ProcGroup). */
export function queueNameOf(dag: Pick<Dag, "name" | "queue">): string {
  return dag.queue || dag.name;
}

export interface EnqueueRequest {
  /** The DAG as it must run (name, queue and working-dir overrides already applied). */
  readonly dag: Dag;
  readonly runId: string;
  /** Evaluated params as `NAME=value` (positional ones as `1=value`, …), as the record lists them. */
  readonly paramsList: readonly string[];
  /** The steps as not-started nodes. */
  readonly nodes: readonly NodeRecord[];
  readonly runs: RunStore;
  readonly queues: QueueStore;
  /** `low` (default) for new runs; Dagu puts retries `high`. */
  readonly priority?: QueuePriority;
  readonly now?: Date;
}

export interface EnqueueResult {
  readonly queue: string;
  readonly item: QueuedItem;
  readonly record: RunRecord;
}

export function enqueueRun(req: EnqueueRequest): EnqueueResult {
  const { dag, runId } = req;
  if (req.runs.findRun(dag.name, runId)) throw new DaguError(`DAG "${dag.name}" with ID "${runId}" already exists`);
  const now = req.now ?? new Date();
  const attempt = req.runs.createRun(dag.name, runId, now, { checkUnique: false });
  const record: RunRecord = {
    root: { name: dag.name, id: runId },
    name: dag.name,
    dagRunId: runId,
    attemptId: attempt.attemptId,
    status: RunStatus.Queued,
    workerId: "",
    pid: 0,
    nodes: req.nodes,
    createdAt: now.getTime(),
    queuedAt: formatTime(now),
    startedAt: "",
    finishedAt: "",
    log: attempt.runLogFile,
    ...(req.paramsList.length > 0 ? { params: req.paramsList.join(" "), paramsList: req.paramsList } : {}),
  };
  attempt.writeDag(dag);
  attempt.close(record);
  const queue = queueNameOf(dag);
  let item: QueuedItem;
  try {
    item = req.queues.enqueue(queue, { name: dag.name, id: runId }, req.priority ?? "low");
  } catch (e) {
    // No item, no queued run: leave nothing that would wait forever.
    const run = req.runs.findRun(dag.name, runId);
    if (run) req.runs.removeRun(run);
    throw new DaguError(`failed to enqueue dag-run: ${(e as Error).message}`);
  }
  return { queue, item, record };
}

export interface GlobalQueueConfig {
  readonly name: string;
  /** `maxActiveRuns` (or `maxConcurrency`) in config; at least 1. */
  readonly maxConcurrency: number;
}

export interface QueueSettings {
  readonly enabled: boolean;
  readonly config: readonly GlobalQueueConfig[];
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  const s = String(v).trim().toLowerCase();
  if (["1", "t", "true", "yes", "on"].includes(s)) return true;
  if (["0", "f", "false", "no", "off"].includes(s)) return false;
  return undefined;
}

/**
 * `queues.enabled` (env `DAGU_QUEUE_ENABLED` wins; default true) and `queues.config[]` from
 * config.yaml. A missing or unreadable file means the defaults, as in Dagu.
 */
export function readQueueSettings(configFile: string, env: NodeJS.ProcessEnv = process.env): QueueSettings {
  let enabled = true;
  const config: GlobalQueueConfig[] = [];
  try {
    const doc = parse(readFileSync(configFile, "utf8")) as unknown;
    const queues = doc && typeof doc === "object" ? (doc as Record<string, unknown>)["queues"] : undefined;
    if (queues && typeof queues === "object" && !Array.isArray(queues)) {
      const q = queues as Record<string, unknown>;
      enabled = asBool(q["enabled"]) ?? true;
      if (Array.isArray(q["config"])) {
        for (const c of q["config"] as unknown[]) {
          if (!c || typeof c !== "object") continue;
          const r = c as Record<string, unknown>;
          const name = r["name"];
          const max = Number(r["maxActiveRuns"] ?? r["maxConcurrency"] ?? 1);
          if (typeof name === "string" && name !== "") config.push({ name, maxConcurrency: Number.isFinite(max) ? Math.max(1, Math.trunc(max)) : 1 });
        }
      }
    }
  } catch {
    // No config file (or not YAML): defaults.
  }
  const fromEnv = env.DAGU_QUEUE_ENABLED !== undefined ? asBool(env.DAGU_QUEUE_ENABLED) : undefined;
  return { enabled: fromEnv ?? enabled, config };
}
