/**
 * @module server/routes/system
 * `/health`, `/metrics` (Prometheus text), `/services/*`, `/workers`, `/queues`.
 */
import { hostname } from "node:os";
import { Elysia, t } from "elysia";
import type { DagRunRef } from "../../core/run-record.ts";
import { RunStatus, runStatusName } from "../../core/status.ts";
import { dagRunCapacity, globalCapacities } from "../../runs/queue-capacity.ts";
import { FileQueueStore } from "../../store/file-queue-store.ts";
import { allLiveRuns } from "../../store/proc-dir.ts";
import type { ServerContext } from "../context.ts";
import * as S from "../schemas.ts";
import { type JsonObject, listMaxAgeMs, toRunSummary } from "../transform.ts";

/** Upper bounds (seconds) of the duration histograms. */
const durationBuckets = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 21600];
const waitBuckets = [0.1, 0.5, 1, 5, 10, 30, 60, 300, 600, 1800, 3600];

function labelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private n = 0;
  constructor(private readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.n++;
    this.buckets.forEach((b, i) => {
      if (v <= b) this.counts[i] = (this.counts[i] as number) + 1;
    });
  }
  lines(name: string): string[] {
    return [
      ...this.buckets.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.n}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.n}`,
    ];
  }
}

/** Number of runs waiting in any queue. */
function queuedCount(queueDir: string): number {
  const store = new FileQueueStore(queueDir);
  return store.queues().reduce((n, q) => n + store.count(q), 0);
}

/** Prometheus text exposition (version 0.0.4) with the metric names of Dagu's README. */
export function renderMetrics(ctx: ServerContext): string {
  const rows = ctx.runs.list({ limit: Number.MAX_SAFE_INTEGER, maxAgeMs: listMaxAgeMs });
  const byStatus = new Map<string, number>();
  const byDag = new Map<string, number>();
  const runningByDag = new Map<string, number>();
  const duration = new Histogram(durationBuckets);
  const wait = new Histogram(waitBuckets);
  let running = 0;
  for (const { record } of rows) {
    const label = runStatusName(record.status);
    byStatus.set(label, (byStatus.get(label) ?? 0) + 1);
    const key = `${record.name}\u0000${label}`;
    byDag.set(key, (byDag.get(key) ?? 0) + 1);
    if (record.status === RunStatus.Running) {
      running++;
      runningByDag.set(record.name, (runningByDag.get(record.name) ?? 0) + 1);
    }
    const start = Date.parse(record.startedAt);
    const end = Date.parse(record.finishedAt);
    if (Number.isFinite(start) && Number.isFinite(end) && end >= start) duration.observe((end - start) / 1000);
    const queued = record.queuedAt ? Date.parse(record.queuedAt) : Number.NaN;
    if (Number.isFinite(queued) && Number.isFinite(start) && start >= queued) wait.observe((start - queued) / 1000);
  }
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, lines: readonly string[]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
  };
  metric("dagu_info", "gauge", "Dagu build information", [`dagu_info{version="${labelValue(ctx.version)}",runtime="bun-${labelValue(Bun.version)}"} 1`]);
  metric("dagu_uptime_seconds", "gauge", "Time since server start", [`dagu_uptime_seconds ${(Date.now() - ctx.startedAt) / 1000}`]);
  metric("dagu_dags_total", "gauge", "Total number of DAGs", [`dagu_dags_total ${ctx.dags.fileNames(listMaxAgeMs).length}`]);
  metric("dagu_scheduler_running", "gauge", "Whether the scheduler is running", [`dagu_scheduler_running ${ctx.schedulerRunning ? 1 : 0}`]);
  metric("dagu_dag_runs_currently_running", "gauge", "Number of currently running DAG runs", [`dagu_dag_runs_currently_running ${running}`]);
  metric(
    "dagu_dag_runs_currently_running_by_dag",
    "gauge",
    "Number of currently running DAG runs per DAG",
    [...runningByDag].map(([d, n]) => `dagu_dag_runs_currently_running_by_dag{dag="${labelValue(d)}"} ${n}`),
  );
  metric("dagu_dag_runs_queued_total", "gauge", "Total number of DAG runs in queue", [`dagu_dag_runs_queued_total ${queuedCount(ctx.paths.queueDir)}`]);
  metric(
    "dagu_dag_runs_total",
    "counter",
    "Total number of DAG runs by status (today)",
    [...byStatus].map(([s, n]) => `dagu_dag_runs_total{status="${s}"} ${n}`),
  );
  metric(
    "dagu_dag_runs_total_by_dag",
    "counter",
    "Total number of DAG runs by DAG and status (today)",
    [...byDag].map(([k, n]) => {
      const [d, s] = k.split("\u0000") as [string, string];
      return `dagu_dag_runs_total_by_dag{dag="${labelValue(d)}",status="${s}"} ${n}`;
    }),
  );
  metric("dagu_dag_run_duration_seconds", "histogram", "Duration of finished DAG runs (today)", duration.lines("dagu_dag_run_duration_seconds"));
  metric("dagu_queue_wait_time", "histogram", "Seconds DAG runs waited in a queue before starting (today)", wait.lines("dagu_queue_wait_time"));
  const mem = process.memoryUsage();
  metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", [`process_resident_memory_bytes ${mem.rss}`]);
  return `${out.join("\n")}\n`;
}

interface QueueView {
  readonly name: string;
  readonly type: "global" | "dag-based";
  /** `Infinity`: no limit (a DAG with negative `maxActiveRuns`); Dagu then omits the field. */
  readonly capacity: number;
  readonly running: JsonObject[];
  readonly queued: JsonObject[];
}

/**
 * `GET /queues` as Dagu 1.30.2 builds it: global queues from config (listed even when empty),
 * waiting runs from the queue store, running runs from live heartbeats (`data/proc/<queue>/`),
 * each under its real queue name; a DAG-based queue's capacity is its DAG's `maxActiveRuns`,
 * as the queue consumer counts it. Runs whose record says otherwise (a dequeued or finished
 * run whose file is not gone yet) are left out. Global queues first, then by name.
 */
function queuesView(ctx: ServerContext): JsonObject {
  const { enabled, config } = ctx.config.queues;
  const globals = globalCapacities(enabled ? config.map((q) => ({ name: q.name, maxConcurrency: q.maxActiveRuns })) : []);
  const queues = new Map<string, QueueView>();
  for (const [name, capacity] of globals) queues.set(name, { name, type: "global", capacity, running: [], queued: [] });
  const add = (queue: string, ref: DagRunRef, want: RunStatus, to: "running" | "queued"): void => {
    const run = ctx.runs.findRun(ref.name, ref.id);
    const read = run ? ctx.runs.read(run) : undefined;
    if (!read || read.record.status !== want) return;
    let q = queues.get(queue);
    if (!q) {
      // The first waiting run's DAG decides (queued runs are added first), as in the consumer.
      q = { name: queue, type: "dag-based", capacity: dagRunCapacity(read.attemptDir), running: [], queued: [] };
      queues.set(queue, q);
    }
    q[to].push(toRunSummary(read.record));
  };
  const store = new FileQueueStore(ctx.paths.queueDir);
  for (const queue of store.queues()) {
    // Claimed items (being started) come before the waiting ones: they were first in line.
    for (const item of [...store.listClaims(queue).map((c) => c.item), ...store.list(queue)]) add(queue, item.dagRun, RunStatus.Queued, "queued");
  }
  for (const [queue, beats] of allLiveRuns(ctx.paths.procDir)) {
    for (const h of beats) add(queue, { name: h.dagName ?? queue, id: h.runId }, RunStatus.Running, "running");
  }
  const list = [...queues.values()].sort((a, b) => (a.type === b.type ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.type === "global" ? -1 : 1));
  let totalRunning = 0;
  let totalQueued = 0;
  let totalCapacity = 0;
  const out: JsonObject[] = list.map((q) => {
    totalRunning += q.running.length;
    totalQueued += q.queued.length;
    const o: JsonObject = { name: q.name, type: q.type, running: q.running, queued: q.queued };
    if (Number.isFinite(q.capacity)) {
      o["maxConcurrency"] = q.capacity;
      totalCapacity += q.capacity;
    }
    return o;
  });
  return {
    queues: out,
    summary: {
      totalQueues: out.length,
      totalRunning,
      totalQueued,
      totalCapacity,
      utilizationPercentage: totalCapacity > 0 ? (100 * totalRunning) / totalCapacity : 0,
    },
  };
}

export function systemRoutes(ctx: ServerContext) {
  const started = new Date(ctx.startedAt).toISOString().replace(/\.\d+Z$/, "Z");
  return new Elysia({ name: "system" })
    .get(
      "/health",
      () => ({
        status: "healthy",
        version: ctx.version,
        uptime: Math.floor((Date.now() - ctx.startedAt) / 1000),
        timestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      }),
      {
        detail: {
          operationId: "getHealthStatus",
          tags: ["system"],
          responses: S.responses(t.Object({ status: t.Union([t.Literal("healthy"), t.Literal("unhealthy")]), version: t.String(), uptime: t.Integer(), timestamp: t.String() })),
        },
      },
    )
    .get(
      "/metrics",
      ({ set }) => {
        set.headers["content-type"] = "text/plain; version=0.0.4; charset=utf-8";
        return renderMetrics(ctx);
      },
      { detail: { operationId: "getMetrics", tags: ["monitoring"], responses: { "200": { description: "Prometheus metrics in text format", content: { "text/plain": { schema: t.String() } } } } } },
    )
    .get(
      "/services/scheduler",
      () => ({
        schedulers: ctx.schedulerRunning ? [{ instanceId: `${hostname()}-${process.pid}`, host: hostname(), status: "active", startedAt: started }] : [],
      }),
      {
        detail: {
          operationId: "getSchedulerStatus",
          tags: ["system"],
          responses: S.responses(t.Object({ schedulers: t.Array(t.Object({ instanceId: t.String(), host: t.String(), status: t.String(), startedAt: t.String() })) })),
        },
      },
    )
    .get("/services/coordinator", () => ({ coordinators: [] }), {
      detail: {
        operationId: "getCoordinatorStatus",
        tags: ["system"],
        responses: S.responses(t.Object({ coordinators: t.Array(t.Object({ instanceId: t.String(), host: t.String(), status: t.String(), startedAt: t.String(), port: t.Integer() })) })),
      },
    })
    .get("/workers", () => ({ workers: [], errors: [] }), {
      detail: { operationId: "getWorkers", tags: ["system"], responses: S.responses(t.Object({ workers: t.Array(t.Record(t.String(), t.Unknown())), errors: t.Array(t.String()) })) },
    })
    .get("/queues", () => queuesView(ctx), {
      detail: {
        operationId: "listQueues",
        tags: ["queues"],
        responses: S.responses(
          t.Object({
            queues: t.Array(S.QueueEntry),
            summary: t.Object({ totalQueues: t.Integer(), totalRunning: t.Integer(), totalQueued: t.Integer(), totalCapacity: t.Integer(), utilizationPercentage: t.Number() }),
          }),
        ),
      },
    });
}
