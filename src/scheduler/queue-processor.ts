/**
 * @module scheduler/queue-processor
 * The queue consumer: starts queued runs, oldest first (`high` before `low`), never more at a
 * time than the queue allows. The scheduler service calls `tick()` on its timer and when the
 * queue folder changes; `start()` runs the same passes on its own loop.
 *
 * Capacity of a queue: `maxConcurrency` of a global queue from config, else the DAG's
 * `maxActiveRuns` (default 1; negative = no limit). Running = the runs with a fresh heartbeat
 * in `data/proc/<queue>/` (whoever started them: this processor, `dagu start`, `dagu retry`)
 * plus every item claimed by any consumer and not started yet. Counting and claiming happen
 * under the queue's cross-process lock, so two processors (or two schedulers) never over-fill
 * a queue; a claim is an atomic rename, so no item is launched twice; and `dagu start` claims
 * the queued attempt itself, so even a launch repeated after a crash runs the run only once.
 *
 * A launch that fails (the launcher throws, or the child exits with the run still queued) puts
 * the item back in its place and retries it after 0.5 s, 1 s, 2 s, … up to 60 s. Queued runs are
 * files: they survive restarts, and claims of a consumer that died are put back.
 */
import { watch, type FSWatcher } from "node:fs";
import type { DaguPaths } from "../config/paths.ts";
import { RunStatus } from "../core/status.ts";
import type { GlobalQueueConfig } from "../runs/enqueue-run.ts";
import { launchRun, type LaunchRequest } from "../runs/launch-run.ts";
import { globalCapacities, queueCapacity } from "../runs/queue-capacity.ts";
import { storedDagSettings } from "../runs/stored-dag.ts";
import { FileQueueStore } from "../store/file-queue-store.ts";
import { liveRuns } from "../store/proc-dir.ts";
import { isProcessAlive } from "../store/proc-file.ts";
import { newQueueOwner, type QueueClaim, type QueuedItem, type QueueStore } from "../store/queue-store.ts";
import type { RunStore, StoredRun } from "../store/run-store.ts";

export type { GlobalQueueConfig } from "../runs/enqueue-run.ts";

/** What a launch tells the processor: the child's pid, and its exit when the launcher knows it. */
export interface QueueLaunch {
  readonly pid: number;
  readonly exited?: Promise<number>;
}

/** Starts one queued run (default: a detached `dagu start --run-id=<id> <dag>`). */
export type QueueLauncher = (req: LaunchRequest) => QueueLaunch | Promise<QueueLaunch>;

export type QueueLogLevel = "debug" | "info" | "warn" | "error";

export interface QueueProcessorOptions {
  readonly paths: DaguPaths;
  readonly runStore: RunStore;
  /** Default: the file queue store on `paths.queueDir`. */
  readonly queueStore?: QueueStore;
  /** `queues.config[]` from config.yaml. */
  readonly globalQueues?: readonly GlobalQueueConfig[];
  readonly launcher?: QueueLauncher;
  /** Milliseconds since the epoch (tests inject a fake clock). */
  readonly now?: () => number;
  readonly isProcessAlive?: (pid: number) => boolean;
  /** Last heartbeat (ms) of a proc file, undefined if unreadable. */
  readonly heartbeatAt?: (path: string) => number | undefined;
  /** First retry delay after a failed launch (default 500 ms), doubled up to `backoffMaxMs` (60 s). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Names this consumer in its claims; default `<pid>-<random>`. */
  readonly owner?: string;
  readonly log?: (level: QueueLogLevel, msg: string, fields?: Record<string, unknown>) => void;
}

export interface QueuePassReport {
  /** Run ids handed to the launcher in this pass. */
  readonly launched: string[];
  /** Run ids whose launch failed (put back, retried after a backoff). */
  readonly failed: string[];
  /** Run ids dropped from their queue: gone, dequeued, or no longer queued. */
  readonly discarded: string[];
}

export interface QueueProcessorLoopOptions {
  /** Pass interval while runs wait or start (default 25 ms). */
  readonly busyMs?: number;
  /** Pass interval when every queue is empty (default 1 s); queue-folder changes wake it sooner. */
  readonly idleMs?: number;
}

interface InFlight {
  claim: QueueClaim;
  phase: "launching" | "launched";
  pid: number;
  exited: boolean;
  run: StoredRun | undefined;
}

interface Backoff {
  failures: number;
  notBefore: number;
}

const defaultLauncher: QueueLauncher = (req) => launchRun(req);

export class QueueProcessor {
  readonly owner: string;
  private readonly queueStore: QueueStore;
  private readonly global: ReadonlyMap<string, number>;
  private readonly inflight = new Map<string, InFlight>();
  private readonly backoffs = new Map<string, Backoff>();
  private pass: Promise<QueuePassReport> | undefined;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private watcher: FSWatcher | undefined;
  private looping = false;
  private loopOpts: Required<QueueProcessorLoopOptions> = { busyMs: 25, idleMs: 1000 };
  private busy = false;

  constructor(private readonly opts: QueueProcessorOptions) {
    this.owner = opts.owner ?? newQueueOwner();
    this.queueStore = opts.queueStore ?? new FileQueueStore(opts.paths.queueDir);
    this.global = globalCapacities(opts.globalQueues ?? []);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private alive(pid: number): boolean {
    return (this.opts.isProcessAlive ?? isProcessAlive)(pid);
  }

  private log(level: QueueLogLevel, msg: string, fields?: Record<string, unknown>): void {
    this.opts.log?.(level, msg, fields);
  }

  /** Runs launched by this processor whose start is not confirmed yet. */
  get inFlight(): number {
    return this.inflight.size;
  }

  /**
   * One pass over every queue (the scheduler's `QueueDrain.tick`). Calls made while a pass
   * runs are folded into one more pass after it.
   */
  tick(_now?: Date): Promise<QueuePassReport> {
    if (this.pass) {
      this.again = true;
      return this.pass;
    }
    const run = async (): Promise<QueuePassReport> => {
      const total: QueuePassReport = { launched: [], failed: [], discarded: [] };
      do {
        this.again = false;
        const names = new Set([...this.queueStore.queues(), ...[...this.inflight.values()].map((f) => f.claim.item.queue)]);
        for (const q of names) {
          const r = await this.processQueue(q);
          total.launched.push(...r.launched);
          total.failed.push(...r.failed);
          total.discarded.push(...r.discarded);
        }
      } while (this.again);
      return total;
    };
    this.pass = run().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  /** Capacity of a queue: global config, else the first waiting run's `maxActiveRuns`. */
  capacity(queue: string, first?: QueuedItem): number {
    return queueCapacity(queue, this.global, this.opts.runStore, first?.dagRun);
  }

  /** Run ids with a fresh heartbeat in `data/proc/<queue>/`. */
  liveRuns(queue: string): Set<string> {
    const clock = { now: () => this.now(), ...(this.opts.heartbeatAt ? { heartbeatAt: this.opts.heartbeatAt } : {}) };
    return new Set(liveRuns(this.opts.paths.procDir, queue, clock).map((h) => h.runId));
  }

  /** Running (live heartbeats) plus claimed-not-started, as the capacity check counts them. */
  occupancy(queue: string): number {
    const ids = this.liveRuns(queue);
    for (const c of this.queueStore.listClaims(queue)) ids.add(c.item.dagRun.id);
    return ids.size;
  }

  /** Has the claimed run started (or can it never start)? */
  private startState(claim: QueueClaim, live: Set<string>, f?: InFlight): "started" | "gone" | "queued" | "unknown" {
    const { dagRun } = claim.item;
    if (live.has(dagRun.id)) return "started";
    const run = f?.run ?? this.opts.runStore.findRun(dagRun.name, dagRun.id);
    if (!run) return "gone";
    if (f) f.run = run;
    const rec = this.opts.runStore.readLatest(run);
    if (!rec) return "unknown";
    return rec.status === RunStatus.Queued ? "queued" : "started";
  }

  private fail(claim: QueueClaim, why: string, report: QueuePassReport): void {
    const id = claim.item.dagRun.id;
    this.inflight.delete(id);
    const b = this.backoffs.get(id) ?? { failures: 0, notBefore: 0 };
    b.failures++;
    const initial = this.opts.backoffInitialMs ?? 500;
    const max = this.opts.backoffMaxMs ?? 60_000;
    const delay = Math.min(max, initial * 2 ** (b.failures - 1));
    b.notBefore = this.now() + delay;
    this.backoffs.set(id, b);
    this.queueStore.release(claim);
    report.failed.push(id);
    this.log("warn", "queued run failed to start; retrying later", { queue: claim.item.queue, runId: id, reason: why, retryInMs: delay });
  }

  private done(claim: QueueClaim): void {
    this.inflight.delete(claim.item.dagRun.id);
    this.backoffs.delete(claim.item.dagRun.id);
    this.queueStore.complete(claim);
  }

  /** Settle claims: confirm started runs, retry failed launches, put back claims of dead consumers. */
  private reconcile(queue: string, report: QueuePassReport): void {
    const live = this.liveRuns(queue);
    for (const claim of this.queueStore.listClaims(queue)) {
      const id = claim.item.dagRun.id;
      const mine = claim.owner === this.owner;
      const f = mine ? this.inflight.get(id) : undefined;
      if (f?.phase === "launching") continue;
      const state = this.startState(claim, live, f);
      if (state === "started") {
        this.done(claim);
        continue;
      }
      if (state === "gone") {
        this.done(claim);
        report.discarded.push(id);
        this.log("info", "queued run no longer exists; dropped", { queue, runId: id });
        continue;
      }
      if (mine) {
        if (!f) {
          // Claimed by this consumer but never launched (lost): give it back.
          this.queueStore.release(claim);
          continue;
        }
        if (state === "queued" && (f.exited || !this.alive(f.pid))) this.fail(claim, `dagu start (pid ${f.pid}) exited without starting the run`, report);
        continue;
      }
      // Another consumer's claim: leave it unless that consumer is gone.
      if (claim.ownerPid !== process.pid && !this.alive(claim.ownerPid)) {
        this.queueStore.release(claim);
        this.log("info", "claim of a dead consumer put back", { queue, runId: id, owner: claim.owner });
      }
    }
    // Claims of ours that vanished (dequeued meanwhile): forget them.
    for (const [id, f] of this.inflight) {
      if (f.claim.item.queue === queue && f.phase === "launched" && !this.queueStore.listClaims(queue).some((c) => c.owner === this.owner && c.item.dagRun.id === id)) this.inflight.delete(id);
    }
  }

  /** One pass over one queue: settle claims, then launch the oldest waiting runs that fit. */
  async processQueue(queue: string): Promise<QueuePassReport> {
    const report: QueuePassReport = { launched: [], failed: [], discarded: [] };
    this.reconcile(queue, report);
    const [first] = this.queueStore.list(queue, { limit: 1 });
    if (!first) return report;
    const capacity = this.capacity(queue, first);
    const now = this.now();
    const waiting = [...this.backoffs.values()].filter((b) => b.notBefore > now).length;
    const claimed = await this.queueStore.withLock(queue, () => {
      const live = this.liveRuns(queue);
      const ids = new Set(live);
      for (const c of this.queueStore.listClaims(queue)) ids.add(c.item.dagRun.id);
      let free = capacity - ids.size;
      const out: { claim: QueueClaim; alreadyLive: boolean }[] = [];
      if (free <= 0) return out;
      const limit = Number.isFinite(free) ? free + waiting : undefined;
      for (const item of this.queueStore.list(queue, limit !== undefined ? { limit } : {})) {
        if (free <= 0) break;
        const b = this.backoffs.get(item.dagRun.id);
        if (b && b.notBefore > now) continue;
        const claim = this.queueStore.claim(item, this.owner);
        if (!claim) continue;
        const alreadyLive = live.has(item.dagRun.id);
        if (!alreadyLive) {
          free--;
          this.inflight.set(item.dagRun.id, { claim, phase: "launching", pid: 0, exited: false, run: undefined });
        }
        out.push({ claim, alreadyLive });
      }
      return out;
    });
    await Promise.all(
      claimed.map(async ({ claim, alreadyLive }) => {
        const id = claim.item.dagRun.id;
        if (alreadyLive) {
          // Running already (started by hand): the item has nothing left to do.
          this.queueStore.complete(claim);
          report.discarded.push(id);
          return;
        }
        await this.launch(claim, report);
      }),
    );
    return report;
  }

  private async launch(claim: QueueClaim, report: QueuePassReport): Promise<void> {
    const { dagRun, queue } = claim.item;
    const f = this.inflight.get(dagRun.id) as InFlight;
    const run = this.opts.runStore.findRun(dagRun.name, dagRun.id);
    const rec = run ? this.opts.runStore.readLatest(run) : undefined;
    if (!run || !rec || rec.status !== RunStatus.Queued) {
      this.done(claim);
      report.discarded.push(dagRun.id);
      this.log("info", run ? "run is not queued any more; dropped from queue" : "queued run no longer exists; dropped", { queue, runId: dagRun.id });
      return;
    }
    f.run = run;
    const dag = storedDagSettings(this.opts.runStore.latestAttemptDir(run)).location ?? dagRun.name;
    try {
      const launched = await (this.opts.launcher ?? defaultLauncher)({ dag, runId: dagRun.id, paths: this.opts.paths });
      f.pid = launched.pid;
      f.phase = "launched";
      report.launched.push(dagRun.id);
      this.log("info", "queued run launched", { queue, dag: dagRun.name, runId: dagRun.id, pid: launched.pid });
      launched.exited?.then(
        () => {
          f.exited = true;
          this.wake();
        },
        () => {
          f.exited = true;
        },
      );
    } catch (e) {
      this.fail(claim, (e as Error).message, report);
    }
  }

  /** Ask the loop (if started) for a pass soon. */
  wake(): void {
    if (!this.looping) return;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (!this.looping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.loopOnce();
    }, ms);
  }

  private async loopOnce(): Promise<void> {
    try {
      await this.tick();
    } catch (e) {
      this.log("error", "queue pass failed", { error: (e as Error).message });
    }
    // Busy while anything waits or starts: slots free when runs end, which no queue-dir event tells.
    this.busy = this.inflight.size > 0 || this.queueStore.queues().length > 0;
    this.schedule(this.busy ? this.loopOpts.busyMs : this.loopOpts.idleMs);
  }

  /** Run passes on a loop: often while runs wait, and on queue-folder changes when idle. */
  start(opts: QueueProcessorLoopOptions = {}): void {
    if (this.looping) return;
    this.looping = true;
    this.loopOpts = { busyMs: opts.busyMs ?? 25, idleMs: opts.idleMs ?? 1000 };
    try {
      this.watcher = watch(this.opts.paths.queueDir, { recursive: true }, () => {
        if (!this.busy) this.wake();
      });
      this.watcher.on("error", () => undefined);
    } catch {
      // No queue folder yet: the idle timer still finds new queues.
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.looping = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.pass) await this.pass.catch(() => undefined);
  }
}
