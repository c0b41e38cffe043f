/**
 * @module ui/components/dashboard-runs
 * Today's runs for the dashboard, kept live: one list request (`fromDate` = local midnight;
 * the server filters on each run's creation time), then every `run` event of
 * `/events/dag-runs` merged in by DAG name and run id. A clock signal ticks every second
 * while something is running (so running bars grow) and every 30 s otherwise.
 *
 * The list is also reloaded every 5 s while the tab is visible, when the day changes, and
 * when the event stream reconnects. The stream alone is not enough: it misses a run's start
 * (it is woken by the heartbeat file, which appears before the run's first record, and is
 * not woken again until the heartbeat is rewritten 15 s later), so a short run would
 * otherwise only show up once it has finished.
 */
import { createEffect, createSignal, onCleanup } from "solid-js";
import { isFinal, type RunStatus } from "../../../src/core/status.ts";
import { api, type DAGRunSummary, subscribe } from "../api.ts";
import { parseTime } from "../format.ts";

const refreshMs = 5000;

export function localMidnight(ms = Date.now()): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function runKey(r: Pick<DAGRunSummary, "name" | "dagRunId">): string {
  return `${r.name}/${r.dagRunId}`;
}

/** When a run began, for the timeline and for "is it today": started, else queued. */
export function runStart(r: DAGRunSummary): number | undefined {
  return (parseTime(r.startedAt) ?? parseTime(r.queuedAt))?.getTime();
}

/** The payload of a `run` event (a run summary), checked before use. */
export function isRunSummary(d: unknown): d is DAGRunSummary {
  if (typeof d !== "object" || d === null) return false;
  const o = d as Record<string, unknown>;
  return typeof o["name"] === "string" && typeof o["dagRunId"] === "string" && typeof o["status"] === "number";
}

/**
 * Of two versions of one run, the one further along: a final status beats a live one, else
 * the later finish or start. Events and the list request can arrive in either order.
 */
function newer(a: DAGRunSummary, b: DAGRunSummary): DAGRunSummary {
  const fa = isFinal(a.status as RunStatus);
  const fb = isFinal(b.status as RunStatus);
  if (fa !== fb) return fa ? a : b;
  const t = (r: DAGRunSummary): number => Math.max(parseTime(r.finishedAt)?.getTime() ?? 0, parseTime(r.startedAt)?.getTime() ?? 0);
  return t(b) >= t(a) ? b : a;
}

export interface TodayRuns {
  /** Newest first. */
  readonly runs: () => readonly DAGRunSummary[];
  readonly loaded: () => boolean;
  readonly error: () => unknown;
  readonly now: () => number;
  readonly dayStart: () => number;
}

export function createTodayRuns(): TodayRuns {
  const [runs, setRuns] = createSignal<readonly DAGRunSummary[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const [now, setNow] = createSignal(Date.now());
  const [dayStart, setDayStart] = createSignal(localMidnight());
  let seq = 0;

  const sortNewest = (list: DAGRunSummary[]): DAGRunSummary[] => list.sort((a, b) => (runStart(b) ?? 0) - (runStart(a) ?? 0));

  const merge = (incoming: readonly DAGRunSummary[]): void => {
    const map = new Map(runs().map((r) => [runKey(r), r]));
    for (const r of incoming) {
      const s = runStart(r);
      // The event stream covers the server's (UTC) day; keep only runs of the local day.
      if (s !== undefined && s < dayStart()) continue;
      const old = map.get(runKey(r));
      map.set(runKey(r), old ? newer(old, r) : r);
    }
    setRuns(sortNewest([...map.values()]));
  };

  const load = async (): Promise<void> => {
    const mine = ++seq;
    try {
      const res = await api.listDAGRuns({ fromDate: Math.floor(dayStart() / 1000) });
      if (mine !== seq) return;
      // Keep versions that events already moved further along than this response.
      const old = new Map(runs().map((r) => [runKey(r), r]));
      setRuns(sortNewest(res.dagRuns.map((r) => {
        const o = old.get(runKey(r));
        return o ? newer(o, r) : r;
      })));
      setError(undefined);
    } catch (e) {
      if (mine === seq) setError(e);
    } finally {
      if (mine === seq) setLoaded(true);
    }
  };

  let connected = false;
  const close = subscribe("/events/dag-runs", {
    ready: () => {
      if (connected) void load();
      connected = true;
    },
    run: (d) => {
      if (isRunSummary(d)) merge([d]);
    },
  });
  onCleanup(close);
  void load();

  const live = (): boolean => runs().some((r) => !isFinal(r.status as RunStatus));
  createEffect(() => {
    const timer = setInterval(
      () => {
        const t = Date.now();
        setNow(t);
        if (localMidnight(t) !== dayStart()) {
          setDayStart(localMidnight(t));
          setRuns([]);
          void load();
        }
      },
      live() ? 1000 : 30_000,
    );
    onCleanup(() => clearInterval(timer));
  });
  const refresh = setInterval(() => {
    if (document.visibilityState === "visible") void load();
  }, refreshMs);
  onCleanup(() => clearInterval(refresh));

  return { runs, loaded, error, now, dayStart };
}
