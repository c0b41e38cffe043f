/**
 * @module server/routes/system
 * `/health`, `/metrics` (Prometheus text), `/services/*`, `/workers`, `/queues`.
 */
import { readdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { Elysia, t } from "elysia";
import { RunStatus, runStatusName } from "../../core/status.ts";
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

/** Number of items waiting in the queue folder (`queue/<name>/item_*.json`). */
function queuedCount(queueDir: string): number {
  let n = 0;
  let queues: string[];
  try {
    queues = readdirSync(queueDir);
  } catch {
    return 0;
  }
  for (const q of queues) {
    try {
      n += readdirSync(join(queueDir, q)).filter((f) => f.startsWith("item_") && f.endsWith(".json")).length;
    } catch {
      // Not a folder.
    }
  }
  return n;
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

function queuesView(ctx: ServerContext): JsonObject {
  const rows = ctx.runs.list({ limit: 1000, maxAgeMs: listMaxAgeMs });
  const queues = new Map<string, { running: JsonObject[]; queued: JsonObject[] }>();
  const entry = (q: string): { running: JsonObject[]; queued: JsonObject[] } => {
    let e = queues.get(q);
    if (!e) {
      e = { running: [], queued: [] };
      queues.set(q, e);
    }
    return e;
  };
  for (const { record } of rows) {
    if (record.status === RunStatus.Running) entry(record.name).running.push(toRunSummary(record));
    else if (record.status === RunStatus.Queued) entry(record.name).queued.push(toRunSummary(record));
  }
  const configured = new Map(ctx.config.queues.config.map((q) => [q.name, q.maxActiveRuns]));
  const list = [...queues].map(([name, e]) => ({
    name,
    type: configured.has(name) ? "global" : "dag-based",
    maxConcurrency: configured.get(name) ?? 1,
    running: e.running,
    queued: e.queued,
  }));
  const totalRunning = list.reduce((a, q) => a + q.running.length, 0);
  const totalQueued = list.reduce((a, q) => a + q.queued.length, 0);
  const totalCapacity = list.reduce((a, q) => a + q.maxConcurrency, 0);
  return {
    queues: list,
    summary: {
      totalQueues: list.length,
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
