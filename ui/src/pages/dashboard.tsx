/**
 * @module ui/pages/dashboard
 * `/`: today at a glance. Counts of today's runs by status (each card opens the run list
 * filtered by that status), a timeline of today's runs, and the runs that need attention
 * (failed, aborted, rejected). Live through the run event stream (components/dashboard-runs).
 */
import { A } from "@solidjs/router";
import { createMemo, createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import { RunStatus } from "../../../src/core/status.ts";
import { seg } from "../api.ts";
import { Empty, ErrorBox, PageHeader, Spinner, StatusBadge } from "../components/common.tsx";
import { createTodayRuns, runKey, runStart } from "../components/dashboard-runs.ts";
import { GanttChart, type GanttItem } from "../components/gantt-chart.tsx";
import { parseTime, relativeTime, runDuration } from "../format.ts";
import { statusLabel, statusName } from "../status.ts";

/** Cards always shown, in this order; other statuses get a card only when they occur. */
const mainStatuses: readonly number[] = [RunStatus.Running, RunStatus.Queued, RunStatus.Succeeded, RunStatus.Failed, RunStatus.Aborted];
const extraStatuses: readonly number[] = [RunStatus.PartiallySucceeded, RunStatus.Waiting, RunStatus.Rejected, RunStatus.NotStarted];
const attentionStatuses: ReadonlySet<number> = new Set([RunStatus.Failed, RunStatus.Aborted, RunStatus.Rejected]);

function runHref(name: string, dagRunId: string): string {
  return `/dag-runs/${seg(name)}/${seg(dagRunId)}`;
}

function StatCard(props: { label: string; value: number; href: string; status?: number; testId: string }): JSX.Element {
  return (
    <A
      href={props.href}
      class="card dash-stat"
      classList={{ "dash-stat-zero": props.value === 0 }}
      style={props.status !== undefined ? { "--dash-c": `var(--st-${statusName(props.status)})` } : {}}
      data-testid={props.testId}
    >
      <span class="dash-stat-label">{props.label}</span>
      <span class="dash-stat-value" data-testid="count-value">
        {props.value}
      </span>
    </A>
  );
}

export default function Dashboard(): JSX.Element {
  const today = createTodayRuns();
  const [fullDay, setFullDay] = createSignal(false);

  const counts = createMemo(() => {
    const c = new Map<number, number>();
    for (const r of today.runs()) c.set(r.status, (c.get(r.status) ?? 0) + 1);
    return c;
  });
  const count = (s: number): number => counts().get(s) ?? 0;
  const cardStatuses = (): number[] => [...mainStatuses, ...extraStatuses.filter((s) => count(s) > 0)];

  const bars = createMemo<GanttItem[]>(() => {
    const out: GanttItem[] = [];
    for (const r of today.runs()) {
      const start = runStart(r);
      if (start === undefined) continue;
      out.push({
        key: runKey(r),
        lane: r.name,
        start,
        end: parseTime(r.finishedAt)?.getTime(),
        status: r.status,
        href: runHref(r.name, r.dagRunId),
        sub: r.dagRunId,
      });
    }
    return out;
  });

  const attention = createMemo(() => today.runs().filter((r) => attentionStatuses.has(r.status)));
  // Fewer axis ticks on phones; follows the same breakpoint as the shell.
  const phone = window.matchMedia("(max-width: 760px)");
  const [narrow, setNarrow] = createSignal(phone.matches);
  const onPhone = (e: MediaQueryListEvent): void => {
    setNarrow(e.matches);
  };
  phone.addEventListener("change", onPhone);
  onCleanup(() => phone.removeEventListener("change", onPhone));

  const dateLabel = (): string => new Date(today.dayStart()).toLocaleDateString(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric" });

  return (
    <div class="dash">
      <PageHeader
        title="Dashboard"
        sub={
          <span class="dash-sub">
            Today, {dateLabel()}
            <span class="dash-live" title="Updates live as runs change">
              live
            </span>
          </span>
        }
      />
      <Show when={today.error()}>{(e) => <ErrorBox error={e()} />}</Show>
      <Show when={today.loaded()} fallback={<Spinner />}>
        <div class="dash-cards" data-testid="status-cards">
          <StatCard label="Total" value={today.runs().length} href="/dag-runs" testId="count-total" />
          <For each={cardStatuses()}>
            {(s) => <StatCard label={statusLabel(s)} value={count(s)} href={`/dag-runs?status=${s}`} status={s} testId={`count-${statusName(s)}`} />}
          </For>
        </div>

        <section class="card dash-section">
          <div class="dash-section-head">
            <h2>Timeline</h2>
            <span class="muted dash-count">{bars().length} runs</span>
            <span class="spacer" />
            <div class="dash-seg" role="group" aria-label="Time range">
              <button classList={{ active: !fullDay() }} aria-pressed={!fullDay()} onClick={() => setFullDay(false)} data-testid="gantt-fit">
                Fit runs
              </button>
              <button classList={{ active: fullDay() }} aria-pressed={fullDay()} onClick={() => setFullDay(true)} data-testid="gantt-day">
                Whole day
              </button>
            </div>
          </div>
          <Show when={bars().length > 0} fallback={<Empty>No runs today yet.</Empty>}>
            <GanttChart
              items={bars()}
              now={today.now()}
              from={fullDay() ? today.dayStart() : undefined}
              to={fullDay() ? today.dayStart() + 86_400_000 : undefined}
              maxTicks={narrow() ? 4 : 9}
            />
          </Show>
        </section>

        <section class="card dash-section" data-testid="attention">
          <div class="dash-section-head">
            <h2>Needs attention</h2>
            <span class="muted dash-count">{attention().length}</span>
          </div>
          <Show when={attention().length > 0} fallback={<div class="dash-ok muted">✓ No failed, aborted or rejected runs today.</div>}>
            <ul class="dash-attention">
              <For each={attention()}>
                {(r) => (
                  <li data-testid="attention-item" data-run={runKey(r)}>
                    <StatusBadge code={r.status} />
                    <A href={runHref(r.name, r.dagRunId)} class="dash-att-name">
                      {r.name}
                    </A>
                    <span class="muted mono dash-att-id hide-narrow">{r.dagRunId}</span>
                    <span class="spacer" />
                    <span class="muted" title={r.finishedAt || r.startedAt}>
                      {relativeTime(r.finishedAt || r.startedAt, today.now())}
                    </span>
                    <span class="muted dash-att-dur hide-narrow">{runDuration(r, today.now())}</span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
      </Show>
    </div>
  );
}
