/**
 * @module scheduler/schedule-planner
 * The scheduler's decisions for one DAG at one tick, as a pure function: no I/O, no clock.
 * The service passes `now`, the per-DAG state it persisted after the previous call, and facts
 * about the DAG's runs; it gets back typed decisions and the state to persist next.
 *
 * Which scheduled times are looked at: every fire time T of the DAG's start entries with
 * `state.lastTick < T <= now` (each T once: after the call, `lastTick = now`).
 * - live: `T > now - liveGraceMs` (default two minutes: a late or slow tick never drops a
 *   time; pass about twice the service's tick interval);
 * - missed (older, e.g. the scheduler was down): replayed in order ("catchup") when
 *   `T >= now - catchupWindowSec`, at most the newest {@link maxCatchupRuns}; the rest are
 *   reported in one `missed` decision. With `catchupWindowSec = 0` (Dagu 1.30.2) nothing is
 *   replayed.
 * - no `lastTick` (state lost or never saved): looks back `max(liveGraceMs, catchupWindow)`;
 *   the already-ran guard below keeps that from repeating runs. A DAG first seen while the
 *   scheduler runs should start from {@link initialPlannerState}(now) instead.
 * Two entries firing at the same instant give one scheduled time.
 *
 * Rules for each scheduled time T, oldest first (the newest only under `latest`):
 * 1. already ran (Dagu 1.30.2): the latest run's reference time is at/after T → skip. The
 *    reference is the run's scheduled time when known (a run the scheduler or a backfill
 *    started), else min(startedAt, queuedAt) truncated to the minute, as 1.30.2 does.
 * 2. skipIfSuccessful (1.30.2): the latest run succeeded and its reference time is in
 *    [previous fire time before T, T) → skip. The previous fire time is the real one of the
 *    entry (v2), not 1.30.2's "T minus the next interval" guess; with several entries firing
 *    at T, the newest previous time counts.
 * 3. overlap (Dagu v2 overlapPolicy), when a run is active (running or queued, per the facts,
 *    or started/enqueued earlier in this same call):
 *    - skip: skip T;
 *    - all: `enqueue` T (the queue runs it after the active run; order is kept);
 *    - latest: only the newest due time is a candidate (older ones: skip "superseded"); it is
 *      held as `state.deferred` and started at the first tick the DAG is idle, unless a newer
 *      time supersedes it first.
 * 4. otherwise `start` T.
 * Stop entries (live times only): `stop` when a run is active, else skip "not-running".
 * Restart entries (live times only): `restart` unconditionally (v2); a restart makes the DAG
 * busy for the start rules of the same call. Output order: stop, restart, then start-side
 * decisions in time order.
 * Suspended DAG: no decisions except one `missed` summary; lastTick still advances and any
 * deferred time is dropped, so nothing piles up while suspended.
 */
import type { Dag, OverlapPolicy, Schedule } from "../core/dag.ts";
import { RunStatus } from "../core/status.ts";
import { cronTimes, type ZoneDefaults } from "./cron-times.ts";

export type { ZoneDefaults } from "./cron-times.ts";

/** At most this many missed times are replayed per DAG per call (the newest; as Dagu v2). */
export const maxCatchupRuns = 1000;
/** Counting missed-and-dropped times stops here (`countCapped`). */
export const missedCountCap = 10_000;
/** Default width of the live window: two minutes (two of Dagu's one-minute ticks). */
export const defaultLiveGraceMs = 120_000;

/** Why a time is started/enqueued: a live tick, or a replay of a missed one. */
export type Trigger = "schedule" | "catchup";

/** Per-DAG state the service persists between calls (JSON-safe). */
export interface PlannerState {
  /** `now` of the last call: every scheduled time <= lastTick has been decided. Epoch ms. */
  readonly lastTick?: number;
  /** `latest` policy: the newest due time held back while a run was active. */
  readonly deferred?: DeferredTime;
}

export interface DeferredTime {
  readonly scheduledAt: number;
  readonly trigger: Trigger;
  readonly entries: readonly string[];
}

/** The latest run of the DAG (newest by creation), as the service reads it from the store. */
export interface LatestRunFacts {
  readonly status: RunStatus;
  /** Epoch ms; absent when the run has not started (queued). */
  readonly startedAt?: number;
  readonly queuedAt?: number;
  /** The scheduled time the run was started for (scheduler, catch-up, backfill), if any. */
  readonly scheduledAt?: number;
}

export interface RunFacts {
  /** A run of this DAG is running or queued (alive per proc heartbeat / queue). */
  readonly active: boolean;
  readonly latest?: LatestRunFacts;
}

/** The DAG fields the planner reads (a full `Dag` fits). */
export type PlannedDag = Pick<Dag, "name" | "schedule" | "stopSchedule" | "restartSchedule" | "skipIfSuccessful" | "overlapPolicy" | "catchupWindowSec">;

export interface PlanInput {
  readonly dag: PlannedDag;
  /** Epoch ms of this tick. */
  readonly now: number;
  readonly state: PlannerState;
  readonly runs: RunFacts;
  readonly zones?: ZoneDefaults;
  readonly suspended?: boolean;
  /** Times newer than now - liveGraceMs count as live; default {@link defaultLiveGraceMs}. */
  readonly liveGraceMs?: number;
}

export type SkipReason =
  | "already-ran"
  | "skip-if-successful"
  | "overlap"
  | "superseded"
  | "not-running";

export type MissedReason = "catchup-disabled" | "outside-catchup-window" | "catchup-limit" | "suspended";

interface TimedDecision {
  readonly scheduledAt: number;
  /** The schedule expressions (as written) that fire at this time. */
  readonly entries: readonly string[];
}

export interface StartDecision extends TimedDecision {
  readonly kind: "start";
  readonly trigger: Trigger;
  /** Deterministic: the same DAG and time always give the same id ({@link scheduledRunId}). */
  readonly runId: string;
}

export interface EnqueueDecision extends TimedDecision {
  readonly kind: "enqueue";
  readonly trigger: Trigger;
  readonly runId: string;
}

export interface DeferDecision extends TimedDecision {
  readonly kind: "defer";
  readonly trigger: Trigger;
}

export interface SkipDecision extends TimedDecision {
  readonly kind: "skip";
  readonly action: "start" | "stop";
  readonly trigger: Trigger;
  readonly reason: SkipReason;
}

export interface StopDecision extends TimedDecision {
  readonly kind: "stop";
}

export interface RestartDecision extends TimedDecision {
  readonly kind: "restart";
}

/** Times never acted on, summarised (there may be very many). */
export interface MissedDecision {
  readonly kind: "missed";
  readonly reason: MissedReason;
  readonly first: number;
  readonly last: number;
  readonly count: number;
  /** True when counting stopped at {@link missedCountCap}. */
  readonly countCapped: boolean;
}

export type PlanDecision =
  | StartDecision
  | EnqueueDecision
  | DeferDecision
  | SkipDecision
  | StopDecision
  | RestartDecision
  | MissedDecision;

export interface PlanResult {
  readonly decisions: readonly PlanDecision[];
  /** Persist this and pass it to the next call for the DAG. */
  readonly state: PlannerState;
}

/** State for a DAG first seen at `now`: nothing before `now` is due. */
export function initialPlannerState(now: number): PlannerState {
  return { lastTick: now };
}

/** `YYYYMMDDHHMMSS` of an instant in UTC. */
export function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "").replace(/[-:T]/g, "");
}

/** The run id for a scheduled (live or catch-up) run: `scheduled-<YYYYMMDDHHMMSS UTC>`. */
export function scheduledRunId(scheduledAt: number): string {
  return `scheduled-${utcStamp(scheduledAt)}`;
}

const minuteMs = 60_000;

/** 1.30.2's reference time of a run: its scheduled time, else min(started, queued) to the minute. */
export function runReferenceTime(run: LatestRunFacts): number | undefined {
  if (run.scheduledAt !== undefined) return run.scheduledAt;
  const times = [run.startedAt, run.queuedAt].filter((t): t is number => t !== undefined);
  if (times.length === 0) return undefined;
  const t = Math.min(...times);
  return t - (((t % minuteMs) + minuteMs) % minuteMs);
}

interface DueTime {
  readonly at: number;
  readonly entries: Schedule[];
}

/** Fire times of `entries` in (from, to], merged across entries, ascending, at most `limit`. */
function dueTimes(entries: readonly Schedule[], zones: ZoneDefaults, from: number, to: number, limit: number): DueTime[] {
  const byTime = new Map<number, Schedule[]>();
  for (const e of entries) {
    for (const t of cronTimes(e, zones).between(from, to, limit)) {
      const list = byTime.get(t);
      if (list) list.push(e);
      else byTime.set(t, [e]);
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([at, es]) => ({ at, entries: es }));
}

/** The newest fire times (up to `limit`) of `entries` in (from, to], ascending. */
function newestDueTimes(entries: readonly Schedule[], zones: ZoneDefaults, from: number, to: number, limit: number): DueTime[] {
  // Walk back from `to` with previous() so a huge window costs at most `limit` steps per entry.
  const byTime = new Map<number, Schedule[]>();
  for (const e of entries) {
    const ct = cronTimes(e, zones);
    let t = ct.previous(to + 1);
    for (let n = 0; t !== undefined && t > from && n < limit; n++) {
      const list = byTime.get(t);
      if (list) list.push(e);
      else byTime.set(t, [e]);
      t = ct.previous(t);
    }
  }
  const all = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([at, es]) => ({ at, entries: es }));
  return all.slice(Math.max(0, all.length - limit));
}

/** Summarise the fire times in (from, to] that will not run. */
function missed(entries: readonly Schedule[], zones: ZoneDefaults, from: number, to: number, reason: MissedReason): MissedDecision | undefined {
  if (to <= from) return undefined;
  const times = dueTimes(entries, zones, from, to, missedCountCap);
  const first = times[0];
  if (first === undefined) return undefined;
  const capped = times.length >= missedCountCap;
  let last = (times[times.length - 1] as DueTime).at;
  if (capped) {
    for (const e of entries) {
      const t = cronTimes(e, zones).lastIn(from, to);
      if (t !== undefined && t > last) last = t;
    }
  }
  return { kind: "missed", reason, first: first.at, last, count: times.length, countCapped: capped };
}

const expressions = (es: readonly Schedule[]): string[] => es.map((e) => e.expression);

/** Newest previous fire time before `at` over the entries that fire at `at`. */
function previousFire(entries: readonly Schedule[], zones: ZoneDefaults, at: number): number | undefined {
  let best: number | undefined;
  for (const e of entries) {
    const p = cronTimes(e, zones).previous(at);
    if (p !== undefined && (best === undefined || p > best)) best = p;
  }
  return best;
}

interface Candidate {
  readonly at: number;
  readonly entries: readonly string[];
  readonly trigger: Trigger;
  /** Entries as schedules, for previous-time lookups (empty for a deferred time). */
  readonly schedules: readonly Schedule[];
}

/** Decide what the scheduler does for one DAG at `now`. Pure. */
export function plan(input: PlanInput): PlanResult {
  const { dag, now, state, runs } = input;
  const zones = input.zones ?? {};
  const grace = Math.max(0, input.liveGraceMs ?? defaultLiveGraceMs);
  const windowMs = Math.max(0, dag.catchupWindowSec) * 1000;
  const liveFrom = now - grace; // live: T > liveFrom
  const from = state.lastTick ?? now - Math.max(grace, windowMs);
  const nextState: PlannerState = { lastTick: Math.max(now, state.lastTick ?? now) };
  const decisions: PlanDecision[] = [];

  if (from >= now) return { decisions, state: state.deferred ? { ...nextState, deferred: state.deferred } : nextState };

  if (input.suspended) {
    const m = missed(dag.schedule, zones, from, now, "suspended");
    return { decisions: m ? [m] : [], state: nextState };
  }

  // Stop and restart: live times only, one decision per kind (the newest due time).
  let busy = runs.active;
  const liveStart = Math.max(from, liveFrom);
  const stopDue = dueTimes(dag.stopSchedule, zones, liveStart, now, Number.POSITIVE_INFINITY).at(-1);
  if (stopDue) {
    const entries = expressions(stopDue.entries);
    decisions.push(
      runs.active
        ? { kind: "stop", scheduledAt: stopDue.at, entries }
        : { kind: "skip", action: "stop", trigger: "schedule", reason: "not-running", scheduledAt: stopDue.at, entries },
    );
  }
  const restartDue = dueTimes(dag.restartSchedule, zones, liveStart, now, Number.POSITIVE_INFINITY).at(-1);
  if (restartDue) {
    decisions.push({ kind: "restart", scheduledAt: restartDue.at, entries: expressions(restartDue.entries) });
    busy = true;
  }

  // Start-side candidates: replayable missed times, then live times.
  const candidates: Candidate[] = [];
  const missedTo = Math.min(liveFrom, now);
  if (from < missedTo) {
    // Replayable: T >= now - window (exclusive bound one ms earlier), never into the live range.
    const windowFrom = windowMs > 0 ? Math.min(missedTo, Math.max(from, now - windowMs - 1)) : missedTo;
    const dropped = missed(dag.schedule, zones, from, windowFrom, windowMs > 0 ? "outside-catchup-window" : "catchup-disabled");
    if (dropped) decisions.push(dropped);
    if (windowFrom < missedTo) {
      const times = newestDueTimes(dag.schedule, zones, windowFrom, missedTo, maxCatchupRuns);
      const oldestKept = times[0];
      if (oldestKept && times.length >= maxCatchupRuns) {
        const over = missed(dag.schedule, zones, windowFrom, oldestKept.at - 1, "catchup-limit");
        if (over) decisions.push(over);
      }
      for (const t of times) candidates.push({ at: t.at, entries: expressions(t.entries), trigger: "catchup", schedules: t.entries });
    }
  }
  for (const t of dueTimes(dag.schedule, zones, liveStart, now, Number.POSITIVE_INFINITY)) {
    candidates.push({ at: t.at, entries: expressions(t.entries), trigger: "schedule", schedules: t.entries });
  }

  const policy: OverlapPolicy = dag.overlapPolicy;
  let queue = candidates;
  if (policy === "latest") {
    const deferred = state.deferred;
    const newest = candidates.at(-1);
    if (deferred && (newest === undefined || deferred.scheduledAt >= newest.at)) {
      // Nothing newer: the held time stays the candidate.
      queue = [{ at: deferred.scheduledAt, entries: deferred.entries, trigger: deferred.trigger, schedules: dag.schedule.filter((s) => deferred.entries.includes(s.expression)) }];
    } else {
      if (deferred) decisions.push(skip({ at: deferred.scheduledAt, entries: deferred.entries, trigger: deferred.trigger, schedules: [] }, "superseded"));
      queue = newest ? [newest] : [];
    }
    for (const c of candidates.slice(0, -1)) decisions.push(skip(c, "superseded"));
  }

  let latest = runs.latest;
  let deferredOut: DeferredTime | undefined;
  for (const c of queue) {
    const ref = latest ? runReferenceTime(latest) : undefined;
    if (ref !== undefined && ref >= c.at) {
      decisions.push(skip(c, "already-ran"));
      continue;
    }
    if (dag.skipIfSuccessful && latest?.status === RunStatus.Succeeded && ref !== undefined && c.schedules.length > 0) {
      const prev = previousFire(c.schedules, zones, c.at);
      if (prev !== undefined && ref >= prev && ref < c.at) {
        decisions.push(skip(c, "skip-if-successful"));
        continue;
      }
    }
    if (busy) {
      if (policy === "all") {
        decisions.push({ kind: "enqueue", scheduledAt: c.at, entries: c.entries, trigger: c.trigger, runId: scheduledRunId(c.at) });
        latest = { status: RunStatus.Queued, queuedAt: now, scheduledAt: c.at };
      } else if (policy === "latest") {
        if (state.deferred?.scheduledAt !== c.at) decisions.push({ kind: "defer", scheduledAt: c.at, entries: c.entries, trigger: c.trigger });
        deferredOut = { scheduledAt: c.at, trigger: c.trigger, entries: c.entries };
      } else {
        decisions.push(skip(c, "overlap"));
      }
      continue;
    }
    decisions.push({ kind: "start", scheduledAt: c.at, entries: c.entries, trigger: c.trigger, runId: scheduledRunId(c.at) });
    latest = { status: RunStatus.Running, startedAt: now, scheduledAt: c.at };
    busy = true;
  }

  return { decisions, state: deferredOut ? { ...nextState, deferred: deferredOut } : nextState };
}

function skip(c: Candidate, reason: SkipReason): SkipDecision {
  return { kind: "skip", action: "start", trigger: c.trigger, reason, scheduledAt: c.at, entries: c.entries };
}
