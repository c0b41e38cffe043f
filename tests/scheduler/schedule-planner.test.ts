/**
 * @module tests/scheduler/schedule-planner
 * The pure planner with an injected clock: live ticks, the 1.30.2 guards (already ran,
 * skipIfSuccessful), overlap policies, catch-up, stop/restart, suspension, zones, DST, and a
 * tick-by-tick simulation checking that no scheduled time is ever started twice.
 */
import { describe, expect, test } from "bun:test";
import type { OverlapPolicy, Schedule } from "../../src/core/dag.ts";
import { RunStatus } from "../../src/core/status.ts";
import {
  defaultLiveGraceMs,
  initialPlannerState,
  maxCatchupRuns,
  plan,
  runReferenceTime,
  scheduledRunId,
  utcStamp,
  type LatestRunFacts,
  type PlanDecision,
  type PlanInput,
  type PlannedDag,
  type PlannerState,
  type RunFacts,
} from "../../src/scheduler/schedule-planner.ts";
import { parseCron } from "../../src/spec/cron-expression.ts";

function entry(expression: string): Schedule {
  const r = parseCron(expression);
  if (!r.ok) throw new Error(r.error);
  return { expression, cron: r.value.cron, ...(r.value.timezone ? { timezone: r.value.timezone } : {}) };
}

const ms = (iso: string): number => Date.parse(iso);
const iso = (t: number): string => new Date(t).toISOString();

function dag(opts: { start?: string[]; stop?: string[]; restart?: string[]; policy?: OverlapPolicy; windowSec?: number; skipIfSuccessful?: boolean } = {}): PlannedDag {
  return {
    name: "d",
    schedule: (opts.start ?? []).map(entry),
    stopSchedule: (opts.stop ?? []).map(entry),
    restartSchedule: (opts.restart ?? []).map(entry),
    overlapPolicy: opts.policy ?? "skip",
    catchupWindowSec: opts.windowSec ?? 0,
    skipIfSuccessful: opts.skipIfSuccessful ?? false,
  };
}

const idle: RunFacts = { active: false };
const running = (latest?: LatestRunFacts): RunFacts => ({ active: true, ...(latest ? { latest } : {}) });

function run(d: PlannedDag, nowIso: string, state: PlannerState, runs: RunFacts = idle, extra: Partial<PlanInput> = {}) {
  return plan({ dag: d, now: ms(nowIso), state, runs, zones: { defaultTimezone: "UTC" }, ...extra });
}
const at = (lastIso: string): PlannerState => ({ lastTick: ms(lastIso) });

/** Decisions in a compact, readable form. */
function brief(ds: readonly PlanDecision[]): string[] {
  return ds.map((d) => {
    switch (d.kind) {
      case "skip":
        return `skip ${d.action} ${iso(d.scheduledAt)} ${d.reason} (${d.trigger})`;
      case "missed":
        return `missed ${d.reason} ${iso(d.first)}..${iso(d.last)} x${d.count}${d.countCapped ? "+" : ""}`;
      case "stop":
      case "restart":
        return `${d.kind} ${iso(d.scheduledAt)}`;
      default:
        return `${d.kind} ${iso(d.scheduledAt)} (${d.trigger})`;
    }
  });
}

const minutely = dag({ start: ["* * * * *"] });
const hourly = (o: Parameters<typeof dag>[0] = {}) => dag({ start: ["0 * * * *"], ...o });

describe("live ticks", () => {
  test("a due time starts a run with a deterministic id", () => {
    const r = run(minutely, "2024-01-01T10:01:00.050Z", at("2024-01-01T10:00:00.100Z"));
    expect(brief(r.decisions)).toEqual(["start 2024-01-01T10:01:00.000Z (schedule)"]);
    const d = r.decisions[0];
    expect(d?.kind === "start" && d.runId).toBe("scheduled-20240101100100");
    expect(d?.kind === "start" && d.entries).toEqual(["* * * * *"]);
    expect(r.state).toEqual({ lastTick: ms("2024-01-01T10:01:00.050Z") });
  });
  test("nothing is due between fire times", () => {
    expect(run(hourly(), "2024-01-01T10:31:00Z", at("2024-01-01T10:30:00Z")).decisions).toEqual([]);
  });
  test("calling again with the returned state decides nothing twice", () => {
    const r1 = run(minutely, "2024-01-01T10:01:00.050Z", at("2024-01-01T10:00:00.100Z"));
    expect(run(minutely, "2024-01-01T10:01:00.050Z", r1.state).decisions).toEqual([]);
    expect(run(minutely, "2024-01-01T10:01:30Z", r1.state).decisions).toEqual([]);
    expect(brief(run(minutely, "2024-01-01T10:02:00.010Z", r1.state).decisions)).toEqual(["start 2024-01-01T10:02:00.000Z (schedule)"]);
  });
  test("a late tick (timer slipped past the next minute) still starts every time, in order", () => {
    const r = run(minutely, "2024-01-01T10:02:00.500Z", at("2024-01-01T10:00:59.990Z"));
    expect(brief(r.decisions)).toEqual(["start 2024-01-01T10:01:00.000Z (schedule)", "skip start 2024-01-01T10:02:00.000Z overlap (schedule)"]);
  });
  test("an exact tick at the fire time counts (T <= now)", () => {
    expect(brief(run(minutely, "2024-01-01T10:01:00.000Z", at("2024-01-01T10:00:00Z")).decisions)).toEqual(["start 2024-01-01T10:01:00.000Z (schedule)"]);
  });
  test("a clock that went backwards decides nothing and keeps lastTick", () => {
    const r = run(minutely, "2024-01-01T09:00:00Z", at("2024-01-01T10:00:00Z"));
    expect(r.decisions).toEqual([]);
    expect(r.state.lastTick).toBe(ms("2024-01-01T10:00:00Z"));
  });
  test("two entries firing at the same instant give one run naming both", () => {
    const r = run(dag({ start: ["0 * * * *", "0 */2 * * *"] }), "2024-01-01T10:00:01Z", at("2024-01-01T09:59:00Z"));
    expect(brief(r.decisions)).toEqual(["start 2024-01-01T10:00:00.000Z (schedule)"]);
    expect(r.decisions[0]?.kind === "start" && r.decisions[0].entries).toEqual(["0 * * * *", "0 */2 * * *"]);
  });
  test("entries in different zones that hit the same instant merge too", () => {
    const d = dag({ start: ["CRON_TZ=Asia/Tokyo 0 9 * * *", "0 0 * * *"] });
    expect(brief(run(d, "2024-01-02T00:00:05Z", at("2024-01-01T23:59:00Z")).decisions)).toEqual(["start 2024-01-02T00:00:00.000Z (schedule)"]);
  });
  test("a DAG with no start entries plans nothing", () => {
    expect(run(dag(), "2024-01-01T10:00:05Z", at("2024-01-01T09:00:00Z")).decisions).toEqual([]);
  });
});

describe("no persisted lastTick", () => {
  test("without catch-up it looks back the live window: a scheduler started at 10:00:45 runs the 10:00 job (as 1.30.2)", () => {
    expect(brief(run(hourly(), "2024-01-01T10:00:45Z", {}).decisions)).toEqual(["start 2024-01-01T10:00:00.000Z (schedule)"]);
  });
  test("the already-ran guard keeps that from repeating a run", () => {
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T10:00:00.200Z"), scheduledAt: ms("2024-01-01T10:00:00Z") };
    expect(brief(run(hourly(), "2024-01-01T10:00:45Z", {}, { active: false, latest }).decisions)).toEqual(["skip start 2024-01-01T10:00:00.000Z already-ran (schedule)"]);
  });
  test("with a catch-up window it looks back the window, guarded by the latest run", () => {
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T08:00:03Z") };
    const r = run(hourly({ windowSec: 3 * 3600, policy: "all" }), "2024-01-01T10:00:30Z", {}, { active: false, latest });
    expect(brief(r.decisions)).toEqual([
      "skip start 2024-01-01T08:00:00.000Z already-ran (catchup)",
      "start 2024-01-01T09:00:00.000Z (catchup)",
      "enqueue 2024-01-01T10:00:00.000Z (schedule)",
    ]);
  });
  test("initialPlannerState(now) for a DAG first seen: nothing earlier is due", () => {
    const s = initialPlannerState(ms("2024-01-01T10:00:45Z"));
    expect(run(hourly(), "2024-01-01T10:00:45Z", s).decisions).toEqual([]);
    expect(brief(run(hourly(), "2024-01-01T11:00:00.01Z", s).decisions)).toEqual(["start 2024-01-01T11:00:00.000Z (schedule)"]);
  });
});

describe("already ran (Dagu 1.30.2 guard)", () => {
  const last = at("2024-01-01T10:59:00Z");
  const now = "2024-01-01T11:00:00.100Z";
  test("latest run's scheduled time equals T: skip", () => {
    const latest = { status: RunStatus.Failed, startedAt: ms("2024-01-01T11:00:00.050Z"), scheduledAt: ms("2024-01-01T11:00:00Z") };
    expect(brief(run(hourly(), now, last, { active: false, latest }).decisions)).toEqual(["skip start 2024-01-01T11:00:00.000Z already-ran (schedule)"]);
  });
  test("a manual run that started within T's minute (truncated to the minute): skip", () => {
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T11:00:20Z") };
    expect(brief(run(hourly(), "2024-01-01T11:00:30Z", last, { active: false, latest }).decisions)).toEqual(["skip start 2024-01-01T11:00:00.000Z already-ran (schedule)"]);
  });
  test("a run that started before T: start", () => {
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T10:59:59Z") };
    expect(brief(run(hourly(), now, last, { active: false, latest }).decisions)).toEqual(["start 2024-01-01T11:00:00.000Z (schedule)"]);
  });
  test("queuedAt earlier than startedAt is the reference (1.30.2)", () => {
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T11:00:10Z"), queuedAt: ms("2024-01-01T10:58:00Z") };
    expect(runReferenceTime(latest)).toBe(ms("2024-01-01T10:58:00Z"));
    expect(brief(run(hourly(), "2024-01-01T11:00:30Z", last, { active: false, latest }).decisions)).toEqual(["start 2024-01-01T11:00:00.000Z (schedule)"]);
  });
  test("a backfill run for an older time does not suppress the live tick", () => {
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T11:00:05Z"), scheduledAt: ms("2023-12-01T00:00:00Z") };
    expect(brief(run(hourly(), "2024-01-01T11:00:30Z", last, { active: false, latest }).decisions)).toEqual(["start 2024-01-01T11:00:00.000Z (schedule)"]);
  });
  test("runReferenceTime: scheduled time first, else min(started, queued) to the minute, else none", () => {
    expect(runReferenceTime({ status: RunStatus.Running, scheduledAt: 5, startedAt: 999_999 })).toBe(5);
    expect(runReferenceTime({ status: RunStatus.Running, startedAt: ms("2024-01-01T10:00:59.999Z") })).toBe(ms("2024-01-01T10:00:00Z"));
    expect(runReferenceTime({ status: RunStatus.NotStarted })).toBeUndefined();
  });
});

describe("skipIfSuccessful", () => {
  const last = at("2024-01-01T10:59:00Z");
  const now = "2024-01-01T11:00:00.100Z";
  const facts = (status: RunStatus, startIso: string): RunFacts => ({ active: false, latest: { status, startedAt: ms(startIso) } });
  test("succeeded since the previous fire time: skip", () => {
    expect(brief(run(hourly({ skipIfSuccessful: true }), now, last, facts(RunStatus.Succeeded, "2024-01-01T10:30:00Z")).decisions)).toEqual([
      "skip start 2024-01-01T11:00:00.000Z skip-if-successful (schedule)",
    ]);
  });
  test("succeeded exactly at the previous fire time: skip (inclusive)", () => {
    expect(brief(run(hourly({ skipIfSuccessful: true }), now, last, facts(RunStatus.Succeeded, "2024-01-01T10:00:00Z")).decisions)[0]).toContain("skip-if-successful");
  });
  test("succeeded before the previous fire time: start", () => {
    expect(brief(run(hourly({ skipIfSuccessful: true }), now, last, facts(RunStatus.Succeeded, "2024-01-01T09:59:00Z")).decisions)).toEqual(["start 2024-01-01T11:00:00.000Z (schedule)"]);
  });
  test("failed since the previous fire time: start", () => {
    expect(brief(run(hourly({ skipIfSuccessful: true }), now, last, facts(RunStatus.Failed, "2024-01-01T10:30:00Z")).decisions)).toEqual(["start 2024-01-01T11:00:00.000Z (schedule)"]);
  });
  test("partially succeeded is not success: start", () => {
    expect(brief(run(hourly({ skipIfSuccessful: true }), now, last, facts(RunStatus.PartiallySucceeded, "2024-01-01T10:30:00Z")).decisions)[0]).toStartWith("start");
  });
  test("flag off: start", () => {
    expect(brief(run(hourly(), now, last, facts(RunStatus.Succeeded, "2024-01-01T10:30:00Z")).decisions)).toEqual(["start 2024-01-01T11:00:00.000Z (schedule)"]);
  });
  test("irregular schedule uses the real previous fire time (1.30.2's interval guess would run here)", () => {
    const d = dag({ start: ["0 9,17 * * *"], skipIfSuccessful: true });
    // T = 09:00 Jan 2; real previous = 17:00 Jan 1; 1.30.2 guesses 09:00 - 8h = 01:00.
    const r = run(d, "2024-01-02T09:00:00.1Z", at("2024-01-02T08:59:00Z"), facts(RunStatus.Succeeded, "2024-01-01T20:00:00Z"));
    expect(brief(r.decisions)).toEqual(["skip start 2024-01-02T09:00:00.000Z skip-if-successful (schedule)"]);
    const r2 = run(d, "2024-01-02T09:00:00.1Z", at("2024-01-02T08:59:00Z"), facts(RunStatus.Succeeded, "2024-01-01T16:00:00Z"));
    expect(brief(r2.decisions)).toEqual(["start 2024-01-02T09:00:00.000Z (schedule)"]);
  });
  test("several entries at T: the newest previous fire time counts", () => {
    const d = dag({ start: ["0 */2 * * *", "0 12 * * *"], skipIfSuccessful: true });
    // T = 12:00: previous of */2 is 10:00, of 12 daily is 12:00 yesterday; newest = 10:00.
    const r = run(d, "2024-01-01T12:00:00.1Z", at("2024-01-01T11:59:00Z"), facts(RunStatus.Succeeded, "2024-01-01T09:00:00Z"));
    expect(brief(r.decisions)).toEqual(["start 2024-01-01T12:00:00.000Z (schedule)"]);
  });
});

describe("overlap policies on live ticks", () => {
  const last = at("2024-01-01T10:59:00Z");
  const now = "2024-01-01T11:00:00.100Z";
  const busy = running({ status: RunStatus.Running, startedAt: ms("2024-01-01T10:00:00Z"), scheduledAt: ms("2024-01-01T10:00:00Z") });
  test("skip: drop the tick while a run is active", () => {
    expect(brief(run(hourly({ policy: "skip" }), now, last, busy).decisions)).toEqual(["skip start 2024-01-01T11:00:00.000Z overlap (schedule)"]);
  });
  test("skip is the behaviour of 1.30.2 when the latest run is running", () => {
    expect(brief(run(hourly(), now, last, busy).decisions)[0]).toContain("overlap");
  });
  test("all: enqueue the tick with its deterministic run id", () => {
    const r = run(hourly({ policy: "all" }), now, last, busy);
    expect(brief(r.decisions)).toEqual(["enqueue 2024-01-01T11:00:00.000Z (schedule)"]);
    expect(r.decisions[0]?.kind === "enqueue" && r.decisions[0].runId).toBe("scheduled-20240101110000");
  });
  test("latest: defer the tick; start it when the DAG is idle", () => {
    const d = hourly({ policy: "latest" });
    const r1 = run(d, now, last, busy);
    expect(brief(r1.decisions)).toEqual(["defer 2024-01-01T11:00:00.000Z (schedule)"]);
    expect(r1.state.deferred).toEqual({ scheduledAt: ms("2024-01-01T11:00:00Z"), trigger: "schedule", entries: ["0 * * * *"] });
    // Still busy next minute: nothing new, no noise, still held.
    const r2 = run(d, "2024-01-01T11:01:00Z", r1.state, busy);
    expect(r2.decisions).toEqual([]);
    expect(r2.state.deferred?.scheduledAt).toBe(ms("2024-01-01T11:00:00Z"));
    // Idle: the held time starts, and is not held any more.
    const r3 = run(d, "2024-01-01T11:02:00Z", r2.state, { active: false, latest: { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T10:00:00Z") } });
    expect(brief(r3.decisions)).toEqual(["start 2024-01-01T11:00:00.000Z (schedule)"]);
    expect(r3.state.deferred).toBeUndefined();
    expect(run(d, "2024-01-01T11:03:00Z", r3.state, idle).decisions).toEqual([]);
  });
  test("latest: a newer tick supersedes the held one", () => {
    const d = hourly({ policy: "latest" });
    const r1 = run(d, now, last, busy);
    const r2 = run(d, "2024-01-01T12:00:00.1Z", { ...r1.state, lastTick: ms("2024-01-01T11:59:00Z") }, busy);
    expect(brief(r2.decisions)).toEqual(["skip start 2024-01-01T11:00:00.000Z superseded (schedule)", "defer 2024-01-01T12:00:00.000Z (schedule)"]);
    expect(r2.state.deferred?.scheduledAt).toBe(ms("2024-01-01T12:00:00Z"));
  });
  test("latest: a newer tick while idle supersedes the held one and starts", () => {
    const d = hourly({ policy: "latest" });
    const held: PlannerState = { lastTick: ms("2024-01-01T11:59:00Z"), deferred: { scheduledAt: ms("2024-01-01T11:00:00Z"), trigger: "schedule", entries: ["0 * * * *"] } };
    expect(brief(run(d, "2024-01-01T12:00:00.1Z", held, idle).decisions)).toEqual(["skip start 2024-01-01T11:00:00.000Z superseded (schedule)", "start 2024-01-01T12:00:00.000Z (schedule)"]);
  });
  test("latest: a held time that a run already covered is skipped, not started", () => {
    const d = hourly({ policy: "latest" });
    const held: PlannerState = { lastTick: ms("2024-01-01T11:30:00Z"), deferred: { scheduledAt: ms("2024-01-01T11:00:00Z"), trigger: "schedule", entries: ["0 * * * *"] } };
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T11:10:00Z") };
    const r = run(d, "2024-01-01T11:31:00Z", held, { active: false, latest });
    expect(brief(r.decisions)).toEqual(["skip start 2024-01-01T11:00:00.000Z already-ran (schedule)"]);
    expect(r.state.deferred).toBeUndefined();
  });
  test("latest: a held time honours skipIfSuccessful when it finally runs", () => {
    const d = hourly({ policy: "latest", skipIfSuccessful: true });
    const held: PlannerState = { lastTick: ms("2024-01-01T11:30:00Z"), deferred: { scheduledAt: ms("2024-01-01T11:00:00Z"), trigger: "schedule", entries: ["0 * * * *"] } };
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T10:20:00Z") };
    expect(brief(run(d, "2024-01-01T11:31:00Z", held, { active: false, latest }).decisions)).toEqual(["skip start 2024-01-01T11:00:00.000Z skip-if-successful (schedule)"]);
  });
  test("all: a run already covering T is not enqueued again", () => {
    const latest = { status: RunStatus.Running, startedAt: ms("2024-01-01T11:00:00.050Z"), scheduledAt: ms("2024-01-01T11:00:00Z") };
    expect(brief(run(hourly({ policy: "all" }), now, last, running(latest)).decisions)).toEqual(["skip start 2024-01-01T11:00:00.000Z already-ran (schedule)"]);
  });
});

describe("catch-up after downtime", () => {
  // Down from 09:59 to 13:30: hourly times 10:00..13:00 were missed.
  const down = at("2024-01-01T09:59:00Z");
  const now = "2024-01-01T13:30:00Z";
  test("window 0 (1.30.2): nothing replayed, one summary", () => {
    expect(brief(run(hourly(), now, down).decisions)).toEqual(["missed catchup-disabled 2024-01-01T10:00:00.000Z..2024-01-01T13:00:00.000Z x4"]);
  });
  test("window 0: a time inside the live window still runs", () => {
    expect(brief(run(hourly(), "2024-01-01T13:00:30Z", down).decisions)).toEqual([
      "missed catchup-disabled 2024-01-01T10:00:00.000Z..2024-01-01T12:00:00.000Z x3",
      "start 2024-01-01T13:00:00.000Z (schedule)",
    ]);
  });
  test("window 2h, skip: the oldest replayable time starts, later ones overlap it", () => {
    expect(brief(run(hourly({ windowSec: 7200 }), now, down).decisions)).toEqual([
      "missed outside-catchup-window 2024-01-01T10:00:00.000Z..2024-01-01T11:00:00.000Z x2",
      "start 2024-01-01T12:00:00.000Z (catchup)",
      "skip start 2024-01-01T13:00:00.000Z overlap (catchup)",
    ]);
  });
  test("window 2h, all: replay in order, the rest queued behind the first", () => {
    const r = run(hourly({ windowSec: 7200, policy: "all" }), now, down);
    expect(brief(r.decisions)).toEqual([
      "missed outside-catchup-window 2024-01-01T10:00:00.000Z..2024-01-01T11:00:00.000Z x2",
      "start 2024-01-01T12:00:00.000Z (catchup)",
      "enqueue 2024-01-01T13:00:00.000Z (catchup)",
    ]);
    expect(r.decisions.filter((d) => d.kind === "start" || d.kind === "enqueue").map((d) => (d.kind === "start" || d.kind === "enqueue" ? d.runId : ""))).toEqual([
      "scheduled-20240101120000",
      "scheduled-20240101130000",
    ]);
  });
  test("window 2h, latest: only the most recent missed time runs", () => {
    expect(brief(run(hourly({ windowSec: 7200, policy: "latest" }), now, down).decisions)).toEqual([
      "missed outside-catchup-window 2024-01-01T10:00:00.000Z..2024-01-01T11:00:00.000Z x2",
      "skip start 2024-01-01T12:00:00.000Z superseded (catchup)",
      "start 2024-01-01T13:00:00.000Z (catchup)",
    ]);
  });
  test("a time exactly at now - window is inside the window", () => {
    const r = run(hourly({ windowSec: 3.5 * 3600, policy: "all" }), now, down);
    expect(brief(r.decisions)[0]).toBe("start 2024-01-01T10:00:00.000Z (catchup)");
  });
  test("busy at start-up: skip drops all, all queues all, latest holds the newest", () => {
    const busy = running({ status: RunStatus.Running, startedAt: ms("2024-01-01T09:00:00Z") });
    expect(brief(run(hourly({ windowSec: 7200 }), now, down, busy).decisions).slice(1)).toEqual([
      "skip start 2024-01-01T12:00:00.000Z overlap (catchup)",
      "skip start 2024-01-01T13:00:00.000Z overlap (catchup)",
    ]);
    expect(brief(run(hourly({ windowSec: 7200, policy: "all" }), now, down, busy).decisions).slice(1)).toEqual([
      "enqueue 2024-01-01T12:00:00.000Z (catchup)",
      "enqueue 2024-01-01T13:00:00.000Z (catchup)",
    ]);
    const l = run(hourly({ windowSec: 7200, policy: "latest" }), now, down, busy);
    expect(brief(l.decisions).slice(1)).toEqual(["skip start 2024-01-01T12:00:00.000Z superseded (catchup)", "defer 2024-01-01T13:00:00.000Z (catchup)"]);
    expect(l.state.deferred).toEqual({ scheduledAt: ms("2024-01-01T13:00:00Z"), trigger: "catchup", entries: ["0 * * * *"] });
  });
  test("times a run already covered are not replayed", () => {
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T12:10:00Z") };
    expect(brief(run(hourly({ windowSec: 7200, policy: "all" }), now, down, { active: false, latest }).decisions).slice(1)).toEqual([
      "skip start 2024-01-01T12:00:00.000Z already-ran (catchup)",
      "start 2024-01-01T13:00:00.000Z (catchup)",
    ]);
  });
  test("skipIfSuccessful applies to replayed times", () => {
    const latest = { status: RunStatus.Succeeded, startedAt: ms("2024-01-01T11:30:00Z") };
    expect(brief(run(hourly({ windowSec: 7200, skipIfSuccessful: true }), now, down, { active: false, latest }).decisions).slice(1)).toEqual([
      "skip start 2024-01-01T12:00:00.000Z skip-if-successful (catchup)",
      "start 2024-01-01T13:00:00.000Z (catchup)",
    ]);
  });
  test("replayed times come before live ones, in time order", () => {
    const r = run(hourly({ windowSec: 86400, policy: "all" }), "2024-01-01T13:00:20Z", down);
    expect(brief(r.decisions)).toEqual([
      "start 2024-01-01T10:00:00.000Z (catchup)",
      "enqueue 2024-01-01T11:00:00.000Z (catchup)",
      "enqueue 2024-01-01T12:00:00.000Z (catchup)",
      "enqueue 2024-01-01T13:00:00.000Z (schedule)",
    ]);
  });
  test("restart after catch-up: replayed times are never returned again", () => {
    const d = hourly({ windowSec: 86400, policy: "all" });
    const r1 = run(d, now, down);
    const r2 = run(d, now, r1.state);
    expect(r2.decisions).toEqual([]);
    const r3 = run(d, "2024-01-01T14:00:00.2Z", r1.state, running());
    expect(brief(r3.decisions)).toEqual(["enqueue 2024-01-01T14:00:00.000Z (schedule)"]);
  });
  test(`at most ${maxCatchupRuns} replays (the newest); older ones summarised`, () => {
    const d = dag({ start: ["* * * * *"], windowSec: 2 * 86400, policy: "all" });
    const r = run(d, "2024-01-03T00:00:00Z", at("2024-01-01T00:00:00Z"));
    const replays = r.decisions.filter((x) => (x.kind === "start" || x.kind === "enqueue") && x.trigger === "catchup");
    expect(replays).toHaveLength(maxCatchupRuns);
    expect(brief(r.decisions).slice(-2)).toEqual(["enqueue 2024-01-02T23:59:00.000Z (schedule)", "enqueue 2024-01-03T00:00:00.000Z (schedule)"]);
    const missedD = r.decisions.find((x) => x.kind === "missed");
    expect(missedD?.kind === "missed" && missedD.reason).toBe("catchup-limit");
    expect(missedD?.kind === "missed" && iso(missedD.first)).toBe("2024-01-01T00:01:00.000Z");
    // Newest replay is the last missed minute before the live window; the oldest follows the summary.
    expect(iso((replays.at(-1) as { scheduledAt: number }).scheduledAt)).toBe("2024-01-02T23:58:00.000Z");
    expect(iso((replays[0] as { scheduledAt: number }).scheduledAt)).toBe(iso(ms("2024-01-02T23:58:00Z") - (maxCatchupRuns - 1) * 60_000));
    expect(missedD?.kind === "missed" && missedD.last + 60_000).toBe((replays[0] as { scheduledAt: number }).scheduledAt);
  });
  test("a very long outage is counted up to a cap", () => {
    const r = run(minutely, "2024-03-01T00:00:00Z", at("2024-01-01T00:00:00Z"));
    const m = r.decisions[0];
    expect(m?.kind).toBe("missed");
    if (m?.kind === "missed") {
      expect(m.countCapped).toBe(true);
      expect(iso(m.last)).toBe("2024-02-29T23:58:00.000Z");
    }
  });
  test("the live grace is configurable", () => {
    const r = run(hourly(), "2024-01-01T13:04:00Z", down, idle, { liveGraceMs: 5 * 60_000 });
    expect(brief(r.decisions).at(-1)).toBe("start 2024-01-01T13:00:00.000Z (schedule)");
    expect(defaultLiveGraceMs).toBe(120_000);
  });
});

describe("stop and restart schedules", () => {
  const last = at("2024-01-01T17:59:00Z");
  const now = "2024-01-01T18:00:00.2Z";
  test("stop when a run is active", () => {
    const r = run(dag({ start: ["0 9 * * *"], stop: ["0 18 * * *"] }), now, last, running());
    expect(brief(r.decisions)).toEqual(["stop 2024-01-01T18:00:00.000Z"]);
  });
  test("stop with nothing running: skip", () => {
    expect(brief(run(dag({ stop: ["0 18 * * *"] }), now, last).decisions)).toEqual(["skip stop 2024-01-01T18:00:00.000Z not-running (schedule)"]);
  });
  test("a stop time missed while down is not acted on later", () => {
    expect(run(dag({ stop: ["0 18 * * *"] }), "2024-01-01T19:00:00Z", last, running()).decisions).toEqual([]);
  });
  test("restart fires unconditionally (running or not)", () => {
    expect(brief(run(dag({ restart: ["0 18 * * *"] }), now, last).decisions)).toEqual(["restart 2024-01-01T18:00:00.000Z"]);
    expect(brief(run(dag({ restart: ["0 18 * * *"] }), now, last, running()).decisions)).toEqual(["restart 2024-01-01T18:00:00.000Z"]);
  });
  test("several restart times due at once give one restart", () => {
    expect(brief(run(dag({ restart: ["*/5 * * * *"] }), "2024-01-01T18:00:00.2Z", at("2024-01-01T17:58:00Z"), idle, { liveGraceMs: 10 * 60_000 }).decisions)).toEqual([
      "restart 2024-01-01T18:00:00.000Z",
    ]);
  });
  test("a start due with a restart is treated as overlapping the restarted run", () => {
    const d = dag({ start: ["0 18 * * *"], restart: ["0 18 * * *"] });
    expect(brief(run(d, now, last).decisions)).toEqual(["restart 2024-01-01T18:00:00.000Z", "skip start 2024-01-01T18:00:00.000Z overlap (schedule)"]);
  });
  test("stop comes before a start at the same time", () => {
    const d = dag({ start: ["0 18 * * *"], stop: ["0 18 * * *"], policy: "all" });
    expect(brief(run(d, now, last, running()).decisions)).toEqual(["stop 2024-01-01T18:00:00.000Z", "enqueue 2024-01-01T18:00:00.000Z (schedule)"]);
  });
  test("stop and restart entries honour their own zone", () => {
    const d = dag({ stop: ["CRON_TZ=Asia/Tokyo 0 3 * * *"] });
    expect(brief(run(d, "2024-01-01T18:00:00.2Z", last, running()).decisions)).toEqual(["stop 2024-01-01T18:00:00.000Z"]);
  });
});

describe("suspended DAGs", () => {
  test("nothing runs, lastTick advances, held times are dropped", () => {
    const held: PlannerState = { lastTick: ms("2024-01-01T10:59:00Z"), deferred: { scheduledAt: ms("2024-01-01T10:00:00Z"), trigger: "schedule", entries: ["0 * * * *"] } };
    const r = run(hourly({ policy: "latest" }), "2024-01-01T11:00:00.5Z", held, idle, { suspended: true });
    expect(brief(r.decisions)).toEqual(["missed suspended 2024-01-01T11:00:00.000Z..2024-01-01T11:00:00.000Z x1"]);
    expect(r.state).toEqual({ lastTick: ms("2024-01-01T11:00:00.5Z") });
  });
  test("after resume, times from the suspension are not caught up", () => {
    const d = hourly({ windowSec: 86400 });
    const s = run(d, "2024-01-01T15:00:00.5Z", at("2024-01-01T10:00:00Z"), idle, { suspended: true }).state;
    expect(run(d, "2024-01-01T15:30:00Z", s).decisions).toEqual([]);
  });
});

describe("zones and DST in plan()", () => {
  const ny = { zones: { defaultTimezone: "America/New_York" } };
  test("DAG-level zone applies; an entry prefix overrides it", () => {
    const d = dag({ start: ["0 9 * * *"] });
    const r = plan({ dag: d, now: ms("2024-01-01T14:00:00.1Z"), state: at("2024-01-01T13:59:00Z"), runs: idle, zones: { dagTimezone: "America/New_York", defaultTimezone: "UTC" } });
    expect(brief(r.decisions)).toEqual(["start 2024-01-01T14:00:00.000Z (schedule)"]);
    const d2 = dag({ start: ["CRON_TZ=UTC 0 14 * * *"] });
    const r2 = plan({ dag: d2, now: ms("2024-01-01T14:00:00.1Z"), state: at("2024-01-01T13:59:00Z"), runs: idle, zones: { dagTimezone: "Asia/Tokyo" } });
    expect(brief(r2.decisions)).toEqual(["start 2024-01-01T14:00:00.000Z (schedule)"]);
  });
  /** Tick every minute over [from, to) and collect start times. */
  function simulateStarts(d: PlannedDag, fromIso: string, toIso: string, zones: PlanInput["zones"]): string[] {
    let state: PlannerState = { lastTick: ms(fromIso) };
    const starts: string[] = [];
    for (let t = ms(fromIso) + 60_000; t < ms(toIso); t += 60_000) {
      const r = plan({ dag: d, now: t + 150, state, runs: idle, ...(zones ? { zones } : {}) });
      state = r.state;
      for (const x of r.decisions) if (x.kind === "start") starts.push(iso(x.scheduledAt));
    }
    return starts;
  }
  test("spring forward: the 02:30 job runs once, at 03:00 EDT", () => {
    expect(simulateStarts(dag({ start: ["30 2 * * *"] }), "2024-03-10T04:00:00Z", "2024-03-10T12:00:00Z", ny.zones)).toEqual(["2024-03-10T07:00:00.000Z"]);
  });
  test("fall back: the 01:30 job runs once over the whole night", () => {
    expect(simulateStarts(dag({ start: ["30 1 * * *"] }), "2024-11-03T03:00:00Z", "2024-11-03T12:00:00Z", ny.zones)).toEqual(["2024-11-03T05:30:00.000Z"]);
  });
  test("fall back: an every-30-minutes job runs on both passes of 01:xx", () => {
    const s = simulateStarts(dag({ start: ["*/30 1 * * *"] }), "2024-11-03T04:00:00Z", "2024-11-03T08:00:00Z", ny.zones);
    expect(s).toEqual(["2024-11-03T05:00:00.000Z", "2024-11-03T05:30:00.000Z", "2024-11-03T06:00:00.000Z", "2024-11-03T06:30:00.000Z"]);
  });
  test("spring forward: an hourly job has no 02:00 run", () => {
    const s = simulateStarts(dag({ start: ["0 * * * *"] }), "2024-03-10T05:30:00Z", "2024-03-10T08:30:00Z", ny.zones);
    expect(s).toEqual(["2024-03-10T06:00:00.000Z", "2024-03-10T07:00:00.000Z", "2024-03-10T08:00:00.000Z"]);
  });
  test("catch-up across a DST change replays wall-clock times correctly", () => {
    const d = dag({ start: ["30 2 * * *"], windowSec: 86400, policy: "all" });
    const r = plan({ dag: d, now: ms("2024-03-10T12:00:00Z"), state: at("2024-03-10T00:00:00Z"), runs: idle, zones: ny.zones });
    expect(brief(r.decisions)).toEqual(["start 2024-03-10T07:00:00.000Z (catchup)"]);
  });
});

describe("simulation: no scheduled time is ever started or enqueued twice", () => {
  /** A tiny world: runs take `durationMin`, the scheduler is down in some minutes and ticks late in others. */
  function simulate(policy: OverlapPolicy, windowSec: number, durationMin: number, seed: number) {
    let rnd = seed;
    const random = (): number => {
      rnd = (rnd * 1103515245 + 12345) % 2147483648;
      return rnd / 2147483648;
    };
    const d = dag({ start: ["*/3 * * * *", "*/5 * * * *"], policy, windowSec, skipIfSuccessful: false });
    let state: PlannerState = {};
    const started = new Map<number, number>(); // scheduledAt → count of start/enqueue
    const decided = new Set<number>();
    const queue: number[] = [];
    let current: { scheduledAt: number; startedAt: number; end: number } | undefined;
    let latest: LatestRunFacts | undefined;
    const base = ms("2024-05-01T00:00:00Z");
    for (let minute = 1; minute < 600; minute++) {
      const now = base + minute * 60_000 + Math.floor(random() * 20_000);
      if (current && current.end <= now) {
        latest = { status: RunStatus.Succeeded, startedAt: current.startedAt, scheduledAt: current.scheduledAt };
        current = undefined;
      }
      if (!current && queue.length > 0) {
        const next = queue.shift() as number;
        current = { scheduledAt: next, startedAt: now - 1, end: now + durationMin * 60_000 };
        latest = { status: RunStatus.Running, startedAt: now - 1, scheduledAt: next };
      }
      if (random() < 0.15) continue; // scheduler down this minute
      const r = plan({ dag: d, now, state, runs: { active: current !== undefined || queue.length > 0, ...(latest ? { latest } : {}) }, zones: { defaultTimezone: "UTC" } });
      state = r.state;
      for (const x of r.decisions) {
        if (x.kind === "start" || x.kind === "enqueue") {
          started.set(x.scheduledAt, (started.get(x.scheduledAt) ?? 0) + 1);
          if (x.kind === "start") {
            current = { scheduledAt: x.scheduledAt, startedAt: now, end: now + durationMin * 60_000 };
            latest = { status: RunStatus.Running, startedAt: now, scheduledAt: x.scheduledAt };
          } else queue.push(x.scheduledAt);
        }
        if (x.kind !== "missed" && x.kind !== "stop" && x.kind !== "restart") decided.add(x.scheduledAt);
      }
    }
    return { started, decided };
  }
  for (const policy of ["skip", "all", "latest"] as const) {
    for (const windowSec of [0, 900]) {
      for (const duration of [1, 7]) {
        test(`${policy}, window ${windowSec}s, runs of ${duration} min`, () => {
          const { started } = simulate(policy, windowSec, duration, 42 + duration + windowSec);
          expect(started.size).toBeGreaterThan(0);
          for (const [, n] of started) expect(n).toBe(1);
        });
      }
    }
  }
  test("all with catch-up: every scheduled time gets a decision", () => {
    const { decided } = simulate("all", 86400, 1, 7);
    const base = ms("2024-05-01T00:00:00Z");
    for (let m = 3; m < 590; m++) {
      if (m % 3 === 0 || m % 5 === 0) expect(decided.has(base + m * 60_000)).toBe(true);
    }
  });
});

describe("run ids", () => {
  test("utcStamp and scheduledRunId", () => {
    expect(utcStamp(ms("2024-01-02T03:04:05.678Z"))).toBe("20240102030405");
    expect(scheduledRunId(ms("2024-12-31T23:59:00Z"))).toBe("scheduled-20241231235900");
  });
});
