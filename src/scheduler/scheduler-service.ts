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
import { selfCommand } from "../runs/self-command.ts";
import { stopRun } from "../runs/stop-run.ts";
import { FiredTicks } from "../store/fired-ticks.ts";
import type { RunStore } from "../store/run-store.ts";
import { SuspendFlags } from "../store/suspend-flags.ts";
import { DagRegistry } from "./dag-registry.ts";
import { HaLock } from "./ha-lock.ts";
import { nextFireTime, type ZoneDefaults } from "./cron-times.ts";
import { initialPlannerState, type PlanDecision, type PlannerState, plan, type RunFacts, scheduledRunId } from "./schedule-planner.ts";
import { sweepZombies } from "./zombie-sweeper.ts";

/** Hands queued runs to `dagu start` within each queue's capacity (the queue processor). */
export interface QueueDrain {
  start(): void;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  readonly paths: DaguPaths;
  readonly store: RunStore;
  /** Put a run on its queue (overlapPolicy: all); default: a `dagu enqueue` child process. */
  readonly enqueue?: (dag: Dag, runId: string, scheduledAt: Date) => Promise<void>;
  /** The server's default time zone (`DAGU_TZ` / config `tz`). */
  readonly defaultTimezone?: string;
  readonly queues?: QueueDrain;
  readonly clock?: () => Date;
  readonly launch?: (req: LaunchRequest) => unknown;
  readonly lockStaleMs?: number;
  readonly lockRetryMs?: number;
  /** 0 disables zombie detection (and the check for claimed runs that never started). */
  readonly zombieIntervalMs?: number;
  /** A claimed run with no record after this long is launched again (default 120 s). */
  readonly lostLaunchAfterMs?: number;
  readonly log?: (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

interface State {
  /** DAG name → the planner's state for it (last tick processed, a deferred time). */
  dags: Record<string, PlannerState>;
}

const registryRefreshMs = 5_000;
/** How far back a new lock holder looks for claims of a scheduler that died. */
const relaunchWindowMs = 3_600_000;

/** A claimed start not yet seen recorded (see `relaunchLost`). */
interface Unverified {
  readonly dag: Dag;
  readonly runId: string;
  readonly at: Date;
  readonly claimedAt: number;
}

export class SchedulerService {
  private readonly owner = `${hostname()}@${process.pid}`;
  private readonly lock: HaLock;
  private readonly registry: DagRegistry;
  private readonly fired: FiredTicks;
  private readonly suspended: SuspendFlags;
  private readonly statePath: string;
  private state: State = { dags: {} };
  private dags: Dag[] = [];
  private lastRefresh = 0;
  private lastSweep = 0;
  private readonly stopCtl = new AbortController();
  /** Runs claimed this tick, spawned after every due DAG has been claimed (see `tick`). */
  private pending: LaunchRequest[] = [];
  /** The background spawning of earlier ticks' runs; awaited before the lock is released. */
  private spawning: Promise<void> = Promise.resolve();
  /** Starts claimed and not yet seen recorded; undefined until the holder read the claims on disk. */
  private unverified: Unverified[] | undefined;

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
      this.unverified = undefined;
      // Only the lock holder consumes queues, as only it schedules.
      this.opts.queues?.start();
      let first = true;
      while (!signal.aborted && this.lock.stillHeld()) {
        await this.tick();
        if (first) {
          first = false;
          releaseFreedMemory();
        }
        // Wake on the next whole second: cron times are whole minutes, queues want promptness.
        const ms = 1000 - (Date.now() % 1000);
        await new Promise((r) => setTimeout(r, ms));
      }
      await this.opts.queues?.stop();
      await this.spawning;
      if (!signal.aborted) this.log("warn", "scheduler lock lost; standing by", { owner: this.owner });
    }
    await this.spawning;
    this.lock.release();
  }

  stop(): void {
    this.stopCtl.abort();
  }

  /** Resolves when every run claimed so far has been spawned. */
  spawned(): Promise<void> {
    return this.spawning;
  }

  private loadState(): void {
    try {
      const s = JSON.parse(readFileSync(this.statePath, "utf8")) as Partial<State>;
      this.state = { dags: s.dags ?? {} };
    } catch {
      this.state = { dags: {} };
    }
  }

  private saveState(): void {
    mkdirSync(join(this.opts.paths.dataDir, "scheduler"), { recursive: true });
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.statePath);
  }

  /** Next fire time per DAG after its last tick (cached: cron math once per fire, not per second). */
  private readonly nextFire = new Map<string, { readonly after: number; readonly at: number | undefined }>();

  private due(dag: Dag, state: PlannerState, now: Date, zones: ZoneDefaults): boolean {
    const after = state.lastTick ?? now.getTime();
    let hit = this.nextFire.get(dag.name);
    if (!hit || hit.after !== after) {
      hit = { after, at: nextFireTime([...dag.schedule, ...dag.stopSchedule, ...dag.restartSchedule], after, zones) };
      this.nextFire.set(dag.name, hit);
    }
    return hit.at !== undefined && hit.at <= now.getTime();
  }

  /** The planner's view of a DAG's runs: is one active, and what the latest one was. */
  private facts(dag: Dag): RunFacts {
    const [run] = this.opts.store.listRuns(dag.name, { limit: 1 });
    if (!run) return { active: false };
    const read = readRun(this.opts.store, run, { procDir: this.opts.paths.procDir });
    if (!read) return { active: false };
    const rec: RunRecord = read.record;
    const ms = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);
    const startedAt = ms(rec.startedAt);
    const queuedAt = ms(rec.queuedAt);
    const scheduledAt = scheduledTimeOf(rec.dagRunId);
    return {
      active: rec.status === RunStatus.Running || rec.status === RunStatus.Queued,
      latest: {
        status: rec.status,
        ...(startedAt !== undefined && !Number.isNaN(startedAt) ? { startedAt } : {}),
        ...(queuedAt !== undefined && !Number.isNaN(queuedAt) ? { queuedAt } : {}),
        ...(scheduledAt !== undefined ? { scheduledAt } : {}),
      },
    };
  }

  /** One pass: refresh DAGs, plan and act for each, drain queues, sweep zombies. */
  async tick(): Promise<void> {
    const now = this.now();
    if (now.getTime() - this.lastRefresh >= registryRefreshMs) {
      this.dags = await this.registry.refresh();
      this.lastRefresh = now.getTime();
    }
    let changed = false;
    const zones: ZoneDefaults = this.opts.defaultTimezone ? { defaultTimezone: this.opts.defaultTimezone } : {};
    // The registry holds only DAGs that have a schedule.
    for (const dag of this.dags) {
      // A DAG seen for the first time starts from now: nothing before it counts as missed.
      if (!this.state.dags[dag.name]) this.fired.prepare(dag.name);
      const state = this.state.dags[dag.name] ?? initialPlannerState(now.getTime());
      // Most seconds nothing is due: then skip reading the DAG's runs and planning it.
      if (this.state.dags[dag.name] && !state.deferred && !this.due(dag, state, now, zones)) continue;
      const facts = this.facts(dag);
      const result = plan({ dag, now: now.getTime(), state, runs: facts, zones, suspended: this.suspended.isSuspended(dag.name) });
      for (const d of result.decisions) {
        try {
          await this.act(dag, d);
        } catch (e) {
          // One DAG's failure (e.g. a launch that cannot spawn) must not stop the others.
          this.log("error", "scheduled action failed", { dag: dag.name, decision: d.kind, error: (e as Error).message });
        }
      }
      this.state.dags[dag.name] = result.state;
      changed = true;
    }
    if (changed) this.saveState();
    this.spawnPending();
    const zombieMs = this.opts.zombieIntervalMs ?? 45_000;
    if (zombieMs > 0 && now.getTime() - this.lastSweep >= zombieMs) {
      this.lastSweep = now.getTime();
      this.relaunchLost(now);
      for (const z of sweepZombies(this.opts.store, this.opts.paths.dagRunsDir, { procDir: this.opts.paths.procDir })) {
        this.log("warn", "zombie run marked failed", { dag: z.dagName, runId: z.runId, reason: z.reason });
      }
      this.fired.prune(now, 7 * 86_400_000);
    }
  }

  /**
   * Spawn the runs claimed this tick, in the background. Firing (claim + log) for every due
   * DAG comes first and spawning after: at a busy minute (1,000 DAGs), the first `dagu start`
   * processes would otherwise take the CPU from the loop that still has DAGs to fire. Each
   * claim is durable before its spawn, and `relaunchLost` covers a scheduler that dies in
   * between.
   */
  private spawnPending(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const launch = this.opts.launch ?? launchRun;
    this.spawning = this.spawning.then(async () => {
      for (let i = 0; i < batch.length; i++) {
        const req = batch[i] as LaunchRequest;
        try {
          launch(req);
        } catch (e) {
          this.log("error", "scheduled run could not be spawned", { dag: req.dag, runId: req.runId, error: (e as Error).message });
        }
        // Let timers and I/O (the next tick, the queue consumer) in between spawns.
        if (i % 16 === 15) await new Promise((r) => setImmediate(r));
      }
    });
  }

  /**
   * Runs claimed but never recorded: the scheduler that claimed them died before spawning,
   * or the spawn failed. A new holder first reads the last hour's claims from disk (a dead
   * holder's included); after that it follows the claims it makes itself. A claim without a
   * record `lostLaunchAfterMs` after it was made is launched once more (at most once per
   * claim, whichever scheduler gets there first); each claim is checked once.
   */
  private relaunchLost(now: Date): void {
    this.unverified ??= this.dags.flatMap((dag) =>
      this.fired
        .recent(dag.name, new Date(now.getTime() - relaunchWindowMs))
        .filter((c) => c.kind === "start" || c.kind === "restart")
        .map((c) => ({ dag, runId: scheduledRunId(c.scheduledAt.getTime()), at: c.scheduledAt, claimedAt: c.claimedAt })),
    );
    const dueBefore = now.getTime() - (this.opts.lostLaunchAfterMs ?? 120_000);
    const waiting: Unverified[] = [];
    for (const u of this.unverified) {
      if (u.claimedAt > dueBefore) waiting.push(u);
      else if (!this.opts.store.findRun(u.dag.name, u.runId) && this.fired.claimRetry(u.dag.name, u.at, this.owner)) {
        this.pending.push(this.launchRequest(u.dag, u.runId, u.at));
        this.log("warn", "scheduled run was claimed but never started; launching it now", { dag: u.dag.name, runId: u.runId, scheduledAt: u.at.toISOString() });
      }
    }
    this.unverified = waiting;
    this.spawnPending();
  }

  private launchRequest(dag: Dag, runId: string, at: Date): LaunchRequest {
    return { dag: dag.location, runId, paths: this.opts.paths, env: { DAG_RUN_SCHEDULED_AT: at.toISOString() } };
  }

  private async act(dag: Dag, d: PlanDecision): Promise<void> {
    switch (d.kind) {
      case "missed":
        this.log("warn", "scheduled runs missed", { dag: dag.name, reason: d.reason, count: d.count, first: new Date(d.first).toISOString(), last: new Date(d.last).toISOString() });
        return;
      case "skip":
        this.log("info", "scheduled run skipped", { dag: dag.name, scheduledAt: new Date(d.scheduledAt).toISOString(), reason: d.reason });
        return;
      case "defer":
        return;
      case "start":
      case "restart": {
        const at = new Date(d.scheduledAt);
        // Exactly once per (DAG, time), whichever scheduler or restart gets here first.
        if (!this.fired.claim(dag.name, at, this.owner, d.kind)) return;
        const runId = d.kind === "start" ? d.runId : scheduledRunId(d.scheduledAt);
        this.unverified?.push({ dag, runId, at, claimedAt: this.now().getTime() });
        if (d.kind === "restart") {
          await stopRun(this.opts.store, dag.name, { procDir: this.opts.paths.procDir });
          if (dag.restartWaitSec > 0) await new Promise((r) => setTimeout(r, dag.restartWaitSec * 1000));
          (this.opts.launch ?? launchRun)(this.launchRequest(dag, runId, at));
        } else {
          this.pending.push(this.launchRequest(dag, runId, at));
        }
        this.log("info", d.kind === "start" && d.trigger === "catchup" ? "missed run caught up" : "scheduled run started", { dag: dag.name, runId, scheduledAt: at.toISOString() });
        return;
      }
      case "enqueue": {
        const at = new Date(d.scheduledAt);
        if (!this.fired.claim(dag.name, at, this.owner, "enqueue")) return;
        await (this.opts.enqueue ?? this.enqueueByCli)(dag, d.runId, at);
        this.log("info", "scheduled run queued", { dag: dag.name, runId: d.runId, scheduledAt: at.toISOString() });
        return;
      }
      case "stop": {
        if (!this.fired.claim(`${dag.name}.stop`, new Date(d.scheduledAt), this.owner, "stop")) return;
        const r = await stopRun(this.opts.store, dag.name, { procDir: this.opts.paths.procDir, waitMs: 1000 });
        this.log("info", "stop schedule", { dag: dag.name, result: r.kind });
        return;
      }
    }
  }

  /** `dagu enqueue` as a child process: the queued run is recorded exactly as the CLI records it. */
  private readonly enqueueByCli = async (dag: Dag, runId: string, at: Date): Promise<void> => {
    const env = { ...process.env, ...(this.opts.paths.unifiedHome ? { DAGU_HOME: this.opts.paths.unifiedHome } : {}), DAG_RUN_SCHEDULED_AT: at.toISOString() };
    const p = Bun.spawn([...selfCommand(), "enqueue", "-q", `--run-id=${runId}`, dag.location], { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    const err = await new Response(p.stderr).text();
    if ((await p.exited) !== 0) this.log("error", "could not queue a scheduled run", { dag: dag.name, runId, error: err.trim() });
  };
}

/**
 * The first pass (parsing every DAG, catch-up over each DAG's history) leaves tens of MB of
 * freed heap that the allocator keeps; a long-lived idle scheduler should give it back.
 */
function releaseFreedMemory(): void {
  Bun.gc(true);
  // Deprecated in the typings but the only call that returns JSC's freed pages to the OS.
  (Bun as unknown as { shrink?: () => void }).shrink?.();
}

/** The scheduled time in a `scheduled-YYYYMMDDHHMMSS` run id (UTC), if it is one. */
function scheduledTimeOf(runId: string): number | undefined {
  const m = /^scheduled-(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(runId);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
