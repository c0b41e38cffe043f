/**
 * @module ui/components/gantt-chart
 * A timeline of runs: one lane per DAG, one bar per run placed by its start and finish time
 * on a time axis, coloured by status. Bars of unfinished runs end at `now` (so they grow as
 * the clock ticks). Plain HTML with percentage positions: it reflows with the page and needs
 * no measuring. Hover or focus shows a tooltip; a bar is a link to its run.
 */
import { A } from "@solidjs/router";
import { createMemo, createSignal, For, type JSX, Show } from "solid-js";
import { formatDuration } from "../format.ts";
import { statusClass, statusLabel } from "../status.ts";

export interface GanttItem {
  /** Unique per bar (e.g. `name/dagRunId`); exposed as `data-run` for tests. */
  readonly key: string;
  /** The lane (row) the bar goes in. */
  readonly lane: string;
  /** Start and end in epoch ms; no end = still going (ends at `now`). */
  readonly start: number;
  readonly end?: number | undefined;
  readonly status: number;
  readonly href: string;
  /** Second line of the tooltip (e.g. the run id). */
  readonly sub?: string;
}

interface Tip {
  readonly item: GanttItem;
  readonly x: number;
  readonly y: number;
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
/** Tick spacings; each divides a day, so ticks line up with the local clock. */
const steps = [1, 2, 5, 10, 15, 30].map((s) => s * second).concat([1, 2, 5, 10, 15, 30].map((m) => m * minute), [1, 2, 3, 6].map((h) => h * hour));

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Local wall-clock time; seconds only when the axis needs them. */
export function clockTime(ms: number, withSeconds = true): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ""}`;
}

function localMidnight(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Axis ticks: the smallest step giving at most `max` ticks, aligned to local midnight. */
function ticks(from: number, to: number, max: number): { at: number; step: number }[] {
  const span = Math.max(1, to - from);
  const step = steps.find((s) => span / s <= max) ?? 6 * hour;
  const base = localMidnight(from);
  const out: { at: number; step: number }[] = [];
  for (let t = base + Math.ceil((from - base) / step) * step; t <= to; t += step) out.push({ at: t, step });
  return out;
}

export function GanttChart(props: {
  items: readonly GanttItem[];
  now: number;
  /** Fixed axis (e.g. the whole day); without it the axis fits the runs. */
  from?: number | undefined;
  to?: number | undefined;
  /** At most this many ticks (fewer on narrow screens). */
  maxTicks?: number;
}): JSX.Element {
  const [tip, setTip] = createSignal<Tip>();

  const range = createMemo(() => {
    if (props.from !== undefined && props.to !== undefined) return { from: props.from, to: props.to };
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const it of props.items) {
      from = Math.min(from, it.start);
      to = Math.max(to, it.end ?? props.now);
    }
    if (!Number.isFinite(from)) return { from: props.now - hour, to: props.now };
    // Some air on both sides so the first and last bars do not touch the edges.
    const pad = Math.max((to - from) * 0.04, 2 * second);
    return { from: from - pad, to: to + pad };
  });

  const pct = (ms: number): number => {
    const r = range();
    return Math.min(100, Math.max(0, ((ms - r.from) / (r.to - r.from)) * 100));
  };

  const lanes = createMemo(() => {
    const byLane = new Map<string, GanttItem[]>();
    for (const it of props.items) {
      const l = byLane.get(it.lane);
      if (l) l.push(it);
      else byLane.set(it.lane, [it]);
    }
    // Lanes in order of their first run, so the chart reads top-left to bottom-right.
    return [...byLane.entries()]
      .map(([name, items]) => ({ name, items, first: Math.min(...items.map((i) => i.start)) }))
      .sort((a, b) => a.first - b.first || (a.name < b.name ? -1 : 1));
  });

  const axis = createMemo(() => ticks(range().from, range().to, props.maxTicks ?? 8));
  const nowVisible = (): boolean => props.now >= range().from && props.now <= range().to;

  const show = (item: GanttItem, x: number, y: number): void => {
    setTip({ item, x: Math.min(x + 12, window.innerWidth - 270), y: y + 14 });
  };

  return (
    <div class="gantt" data-testid="gantt">
      <div class="gantt-row gantt-axis" aria-hidden="true">
        <div class="gantt-label" />
        <div class="gantt-track">
          {/* Labels centred on their tick; those too near an edge would stick out, so skip them. */}
          <For each={axis().filter((t) => pct(t.at) > 3 && pct(t.at) < 96)}>
            {(t) => (
              <span class="gantt-tick" style={{ left: `${pct(t.at)}%` }}>
                {clockTime(t.at, t.step < minute)}
              </span>
            )}
          </For>
        </div>
      </div>
      <div class="gantt-body">
        <div class="gantt-grid" aria-hidden="true">
          <For each={axis()}>{(t) => <span class="gantt-gridline" style={{ left: `${pct(t.at)}%` }} />}</For>
          <Show when={nowVisible()}>
            <span class="gantt-now" style={{ left: `${pct(props.now)}%` }} title="now" />
          </Show>
        </div>
        <For each={lanes()}>
          {(lane) => (
            <div class="gantt-row gantt-lane" data-testid="gantt-lane">
              <div class="gantt-label" title={lane.name}>
                {lane.name}
              </div>
              <div class="gantt-track">
                <For each={lane.items}>
                  {(it) => {
                    const left = (): number => pct(it.start);
                    const width = (): number => Math.max(0, pct(it.end ?? props.now) - left());
                    return (
                      <A
                        href={it.href}
                        class={`gantt-bar ${statusClass(it.status)}`}
                        classList={{ "gantt-live": it.end === undefined }}
                        style={{ left: `${left()}%`, width: `${width()}%` }}
                        data-testid="gantt-bar"
                        data-run={it.key}
                        data-status={it.status}
                        aria-label={`${it.lane} ${statusLabel(it.status)} ${clockTime(it.start)}`}
                        onMouseEnter={(e) => show(it, e.clientX, e.clientY)}
                        onMouseMove={(e) => show(it, e.clientX, e.clientY)}
                        onMouseLeave={() => setTip(undefined)}
                        onFocus={(e) => {
                          const r = e.currentTarget.getBoundingClientRect();
                          show(it, r.left, r.bottom);
                        }}
                        onBlur={() => setTip(undefined)}
                      />
                    );
                  }}
                </For>
              </div>
            </div>
          )}
        </For>
      </div>
      <Show when={tip()}>
        {(t) => (
          <div class="gantt-tip" role="tooltip" data-testid="gantt-tooltip" style={{ left: `${t().x}px`, top: `${t().y}px` }}>
            <div class="gantt-tip-title">{t().item.lane}</div>
            <Show when={t().item.sub}>
              <div class="muted mono">{t().item.sub}</div>
            </Show>
            <div class="gantt-tip-grid">
              <span class="muted">Status</span>
              <span>{statusLabel(t().item.status)}</span>
              <span class="muted">Started</span>
              <span>{clockTime(t().item.start)}</span>
              <span class="muted">{t().item.end === undefined ? "Running for" : "Finished"}</span>
              <span>{t().item.end === undefined ? formatDuration(props.now - t().item.start) : clockTime(t().item.end ?? props.now)}</span>
              <Show when={t().item.end !== undefined}>
                <span class="muted">Duration</span>
                <span>{formatDuration((t().item.end ?? props.now) - t().item.start)}</span>
              </Show>
            </div>
          </div>
        )}
      </Show>
    </div>
  );
}
