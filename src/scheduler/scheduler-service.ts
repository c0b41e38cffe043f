/**
 * @module scheduler/scheduler-service
 * `dagu scheduler` (and the scheduler inside `start-all`): one active instance per DAGU_HOME
 * (HA lock), which every second asks the planner what each DAG's schedules want since the
 * last tick it processed (persisted, so downtime can be caught up), claims each scheduled
 * time exactly once, and launches runs as detached `dagu start` processes — a scheduler
 * restart never kills a run. It also drains queues and records zombie runs as failed.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { DaguPaths } from "../config/paths.ts";
import type { Dag } from "../core/dag.ts";
import type { RunRecord } from "../core/run-record.ts";
import { RunStatus } from "../core/status.ts";
import { type LaunchRequest, launchRun } from "../runs/launch-run.ts";
import { readRun } from "../runs/run-lookup.ts";
import { stopRun } from "../runs/stop-run.ts";
import { FiredTicks } from "../store/fired-ticks.ts";
import type { RunStore } from "../store/run-store.ts";
import { SuspendFlags } from "../store/suspend-flags.ts";
import { DagRegistry } from "./dag-registry.ts";
import { HaLock } from "./ha-lock.ts";
import { sweepZombies } from "./zombie-sweeper.ts";

/** What the planner knows about a DAG's runs when it decides. */
export interface RunFacts {
  readonly running: boolean;
  readonly latest?: { readonly status: RunStatus; readonly startedAt: Date };
}

/** One decision for one scheduled time. */
export type ScheduleDecision =
  | { readonly kind: "start"; readonly scheduledAt: Date }
  | { readonly kind: "enqueue"; readonly scheduledAt: Date }
  | { readonly kind: "stop"; readonly scheduledAt: Date }
  | { readonly kind: "restart"; readonly scheduledAt: Date }
  | { readonly kind: "skip"; readonly scheduledAt: Date; readonly reason: string };

/** The planner, as the service uses it: ticks in (lastTick, now] for one DAG. */
export type Planner = (dag: Dag, lastTick: Date, now: Date, facts: RunFacts) => ScheduleDecision[];

/** Hands queued runs to `dagu start` within each queue's capacity (the queue processor). */
export interface QueueDrain {
  tick(now: Date): Promise<unknown>;
}

export interface SchedulerOptions {
  readonly paths: DaguPaths;
  readonly store: RunStore;
  readonly planner: Planner;
  /** Put a run on its queue (overlapPolicy: all). */
  readonly enqueue?: (dag: Dag, scheduledAt: Date) => Promise<void>;
  readonly queues?: QueueDrain;
  readonly clock?: () => Date;
  readonly launch?: (req: LaunchRequest) => unknown;
  readonly lockStaleMs?: number;
  readonly lockRetryMs?: number;
  /** 0 disables zombie detection. */
  readonly zombieIntervalMs?: number;
  readonly log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

interface State {
  /** DAG name → ISO time of the last tick processed for it. */
  lastTick: Record<string, string>;
}

const registryRefreshMs = 5_000;

export class SchedulerService {
  private readonly owner = `${hostname()}@${process.pid}`;
  private readonly lock: HaLock;
  private readonly registry: DagRegistry;
  private readonly fired: FiredTicks;
  private readonly suspended: SuspendFlags;
  private readonly statePath: string;
  private state: State = { lastTick: {} };
  private dags: Dag[] = [];
  private lastRefresh = 0;
  private lastSweep = 0;
  private readonly stopCtl = new AbortController();

  constructor(private readonly opts: SchedulerOptions) {
    const dir = join(opts.paths.dataDir, "scheduler");
    this.lock = new HaLock({ dir: join(dir, "locks"), owner: this.owner, staleMs: opts.lockStaleMs ?? 30_000, retryMs: opts.lockRetryMs ?? 5_000 });
    this.registry = new DagRegistry(opts.paths.dagsDir, opts.paths.baseConfig, (file, message) => this.log("warn", "DAG not loaded", { file, error: message }));
    this.fired = new FiredTicks(join(dir, "fired"));
    this.suspended = new SuspendFlags(opts.paths.suspendFlagsDir);
    this.statePath = join(dir, "state.json");
  }

  private now(): Date {
    return (this.opts.clock ?? (() => new Date()))();
  }

  private log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}): void {
    this.opts.log?.(level, msg, fields);
  }

  /** Hold the lock and schedule until `stop()`; a standby waits for the lock first. */
  async run(): Promise<void> {
    const signal = this.stopCtl.signal;
    while (!signal.aborted) {
      this.log("info", "waiting for the scheduler lock", { owner: this.owner });
      if (!(await this.lock.acquire(signal))) break;
      this.log("info", "scheduler lock acquired", { owner: this.owner });
      this.loadState();
      while (!signal.aborted && this.lock.stillHeld()) {
        await this.tick();
        // Wake on the next whole second: cron times are whole minutes, queues want promptness.
        const ms = 1000 - (Date.now() % 1000);
        await new Promise((r) => setTimeout(r, ms));
      }
      if (!signal.aborted) this.log("warn", "scheduler lock lost; standing by", { owner: this.owner });
    }
    this.lock.release();
  }

  stop(): void {
    this.stopCtl.abort();
  }

  private loadState(): void {
    try {
      this.state = JSON.parse(readFileSync(this.statePath, "utf8")) as State;
    } catch {
      this.state = { lastTick: {} };
    }
  }

  private saveState(): void {
    mkdirSync(join(this.opts.paths.dataDir, "scheduler"), { recursive: true });
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.statePath);
  }

  private facts(dag: Dag): RunFacts {
    const [run] = this.opts.store.listRuns(dag.name, { limit: 1 });
    if (!run) return { running: false };
    const read = readRun(this.opts.store, run, { procDir: this.opts.paths.procDir });
    if (!read) return { running: false };
    const rec: RunRecord = read.record;
    const startedAt = rec.startedAt ? new Date(rec.startedAt) : run.createdAt;
    return { running: rec.status === RunStatus.Running || rec.status === RunStatus.Queued, latest: { status: rec.status, startedAt } };
  }

  /** One pass: refresh DAGs, plan and act for each, drain queues, sweep zombies. */
  async tick(): Promise<void> {
    const now = this.now();
    if (now.getTime() - this.lastRefresh >= registryRefreshMs) {
      this.dags = await this.registry.refresh();
      this.lastRefresh = now.getTime();
    }
    let changed = false;
    for (const dag of this.dags) {
      if (dag.schedule.length + dag.stopSchedule.length + dag.restartSchedule.length === 0) continue;
      const last = this.state.lastTick[dag.name];
      // A DAG seen for the first time starts from now: nothing before it is "missed".
      const lastTick = last ? new Date(last) : now;
      if (!last) {
        this.state.lastTick[dag.name] = now.toISOString();
        changed = true;
        continue;
      }
      if (lastTick.getTime() >= now.getTime()) continue;
      if (!this.suspended.isSuspended(dag.name)) {
        for (const d of this.opts.planner(dag, lastTick, now, this.facts(dag))) await this.act(dag, d);
      }
      this.state.lastTick[dag.name] = now.toISOString();
      changed = true;
    }
    if (changed) this.saveState();
    if (this.opts.queues) await this.opts.queues.tick(now);
    const zombieMs = this.opts.zombieIntervalMs ?? 45_000;
    if (zombieMs > 0 && now.getTime() - this.lastSweep >= zombieMs) {
      this.lastSweep = now.getTime();
      for (const z of sweepZombies(this.opts.store, this.opts.paths.dagRunsDir, { procDir: this.opts.paths.procDir })) {
        this.log("warn", "zombie run marked failed", { dag: z.dagName, runId: z.runId, reason: z.reason });
      }
      this.fired.prune(now, 7 * 86_400_000);
    }
  }

  private async act(dag: Dag, d: ScheduleDecision): Promise<void> {
    const at = d.scheduledAt;
    switch (d.kind) {
      case "skip":
        this.log("info", "scheduled run skipped", { dag: dag.name, scheduledAt: at.toISOString(), reason: d.reason });
        return;
      case "start":
      case "restart": {
        // Exactly once per (DAG, time), whichever scheduler or restart gets here first.
        if (!this.fired.claim(dag.name, at, this.owner)) return;
        if (d.kind === "restart") {
          await stopRun(this.opts.store, dag.name, { procDir: this.opts.paths.procDir });
          if (dag.restartWaitSec > 0) await new Promise((r) => setTimeout(r, dag.restartWaitSec * 1000));
        }
        const runId = Bun.randomUUIDv7();
        (this.opts.launch ?? launchRun)({ dag: dag.location, runId, paths: this.opts.paths, env: { DAG_RUN_SCHEDULED_AT: at.toISOString() } });
        this.log("info", "scheduled run started", { dag: dag.name, runId, scheduledAt: at.toISOString() });
        return;
      }
      case "enqueue": {
        if (!this.fired.claim(dag.name, at, this.owner)) return;
        if (this.opts.enqueue) await this.opts.enqueue(dag, at);
        else (this.opts.launch ?? launchRun)({ dag: dag.location, runId: Bun.randomUUIDv7(), paths: this.opts.paths, env: { DAG_RUN_SCHEDULED_AT: at.toISOString() } });
        return;
      }
      case "stop": {
        if (!this.fired.claim(`${dag.name}.stop`, at, this.owner)) return;
        const r = await stopRun(this.opts.store, dag.name, { procDir: this.opts.paths.procDir, waitMs: 1000 });
        this.log("info", "stop schedule", { dag: dag.name, result: r.kind });
        return;
      }
    }
  }
}
