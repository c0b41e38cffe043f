/**
 * @module ui/pages/queues
 * The Queues page: every queue with running or queued runs (global queues from config even
 * when empty), its capacity (∞ when the server gives none: no limit) and utilisation, the
 * runs in it, and a Dequeue action for queued runs. Kept live by the run-event stream (any
 * status change refetches, debounced) with a slow poll as a fallback.
 */
import { A } from "@solidjs/router";
import { createSignal, For, type JSX, onCleanup, onMount, Show } from "solid-js";
import { api, type DAGRunSummary, seg, subscribe } from "../api.ts";
import { act, Empty, ErrorBox, PageHeader, Spinner, StatusBadge } from "../components/common.tsx";
import { formatTime, relativeTime, runDuration } from "../format.ts";

type QueueList = Awaited<ReturnType<typeof api.listQueues>>;
type Queue = QueueList["queues"][number];

const pollMs = 10_000;
const debounceMs = 300;

/** Running share of a queue's capacity, 0–100 (over-full queues show as full; no limit: 0). */
function utilisation(q: Queue): number {
  const max = q.maxConcurrency;
  if (max === undefined || max <= 0) return 0;
  return Math.min(100, Math.round((100 * q.running.length) / max));
}

/** A priority the server may attach to a queued run (Dagu's high/low); not every build sends it. */
function priorityOf(run: DAGRunSummary): string | undefined {
  const p = run["priority"];
  return typeof p === "string" || typeof p === "number" ? String(p) : undefined;
}

function RunLinks(props: { run: DAGRunSummary }): JSX.Element {
  return (
    <>
      <td>
        <A href={`/dags/${seg(props.run.name)}`}>{props.run.name}</A>
      </td>
      <td class="mono">
        <A href={`/dag-runs/${seg(props.run.name)}/${seg(props.run.dagRunId)}`}>{props.run.dagRunId}</A>
      </td>
    </>
  );
}

function UtilBar(props: { queue: Queue }): JSX.Element {
  const pct = (): number => utilisation(props.queue);
  return (
    <div
      class="util-bar"
      classList={{ full: pct() >= 100 }}
      role="progressbar"
      aria-label={`${props.queue.name} utilisation`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct()}
      data-testid="queue-util"
    >
      <div class="util-fill" style={{ width: `${pct()}%` }} />
    </div>
  );
}

function QueueCard(props: { queue: Queue; now: number; onChanged: () => void }): JSX.Element {
  const [busy, setBusy] = createSignal<string | undefined>();
  const dequeue = async (run: DAGRunSummary): Promise<void> => {
    setBusy(run.dagRunId);
    await act(`Dequeued ${run.dagRunId}`, () => api.dequeueDAGRun(run.name, run.dagRunId));
    setBusy(undefined);
    props.onChanged();
  };
  return (
    <section class="card queue-card" data-testid="queue" data-queue={props.queue.name}>
      <div class="queue-head">
        <h2 class="queue-name">{props.queue.name}</h2>
        <span class="tag queue-type">{props.queue.type === "global" ? "global" : "DAG-based"}</span>
        <span class="spacer" />
        <span class="muted queue-count">
          <strong>{props.queue.running.length}</strong> / {props.queue.maxConcurrency ?? "∞"} running · <strong>{props.queue.queued.length}</strong> queued
        </span>
      </div>
      <UtilBar queue={props.queue} />

      <h3 class="queue-section">Running</h3>
      <Show when={props.queue.running.length > 0} fallback={<p class="muted queue-none">Nothing running.</p>}>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>DAG</th>
                <th>Run ID</th>
                <th>Status</th>
                <th class="hide-narrow">Started</th>
                <th class="hide-narrow">Duration</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.queue.running}>
                {(run) => (
                  <tr data-testid="running-run" data-run-id={run.dagRunId}>
                    <RunLinks run={run} />
                    <td>
                      <StatusBadge code={run.status} />
                    </td>
                    <td class="hide-narrow nowrap">{formatTime(run.startedAt)}</td>
                    <td class="hide-narrow nowrap">{runDuration(run, props.now)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>

      <h3 class="queue-section">Queued</h3>
      <Show when={props.queue.queued.length > 0} fallback={<p class="muted queue-none">Nothing waiting.</p>}>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>DAG</th>
                <th>Run ID</th>
                <th>Queued</th>
                <th class="hide-narrow">Priority</th>
                <th class="hide-narrow">Params</th>
                <th />
              </tr>
            </thead>
            <tbody>
              <For each={props.queue.queued}>
                {(run) => (
                  <tr data-testid="queued-run" data-run-id={run.dagRunId}>
                    <RunLinks run={run} />
                    <td class="nowrap" title={formatTime(run.queuedAt)}>
                      {relativeTime(run.queuedAt, props.now)}
                    </td>
                    <td class="hide-narrow">{priorityOf(run) ?? "-"}</td>
                    <td class="hide-narrow mono queue-params">{run.params || "-"}</td>
                    <td class="queue-action">
                      <button class="danger" data-testid="dequeue" disabled={busy() === run.dagRunId} onClick={() => void dequeue(run)}>
                        Dequeue
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </section>
  );
}

export default function QueuesPage(): JSX.Element {
  // Plain signals rather than a resource: background refreshes must neither suspend the page
  // nor throw away what is shown when one of them fails.
  const [data, setData] = createSignal<QueueList>();
  const [error, setError] = createSignal<unknown>();
  const [now, setNow] = createSignal(Date.now());
  let seq = 0;
  const load = async (): Promise<void> => {
    const mine = ++seq;
    try {
      const d = await api.listQueues();
      if (mine !== seq) return; // a newer request is on its way; its answer wins
      setData(d);
      setError(undefined);
    } catch (e) {
      if (mine === seq) setError(e);
    }
    setNow(Date.now());
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), debounceMs);
  };

  onMount(() => {
    void load();
    const close = subscribe("/events/dag-runs", { run: refresh });
    const poll = setInterval(() => void load(), pollMs);
    onCleanup(() => {
      close();
      clearInterval(poll);
      clearTimeout(timer);
    });
  });

  const summary = (): QueueList["summary"] | undefined => data()?.summary;

  return (
    <div class="queues-page">
      <PageHeader
        title="Queues"
        sub={
          <Show when={summary()} fallback="Runs waiting for a free slot, per queue">
            {(s) => `${s().totalQueues} active ${s().totalQueues === 1 ? "queue" : "queues"}`}
          </Show>
        }
      >
        <button data-testid="queues-refresh" onClick={() => void load()}>
          Refresh
        </button>
      </PageHeader>

      <Show when={error()}>
        <ErrorBox error={error()} />
      </Show>

      <Show when={data()} fallback={<Show when={!error()}><Spinner /></Show>}>
        {(d) => (
          <>
            <div class="grid grid-cards queue-summary">
              <div class="card stat">
                <span class="muted">Queues</span>
                <span class="value" data-testid="sum-queues">{d().summary.totalQueues}</span>
              </div>
              <div class="card stat">
                <span class="muted">Running</span>
                <span class="value" data-testid="sum-running">{d().summary.totalRunning}</span>
              </div>
              <div class="card stat">
                <span class="muted">Queued</span>
                <span class="value" data-testid="sum-queued">{d().summary.totalQueued}</span>
              </div>
              <div class="card stat">
                <span class="muted">Capacity used</span>
                <span class="value">{Math.round(d().summary.utilizationPercentage)}%</span>
                <span class="muted small">
                  {d().summary.totalRunning} of {d().summary.totalCapacity} slots
                </span>
              </div>
            </div>
            <Show
              when={d().queues.length > 0}
              fallback={
                <Empty>
                  <span data-testid="queues-empty">No queue has running or queued runs right now.</span>
                  <br />
                  Runs enqueued with <code>dagu enqueue</code>, the API or a DAG's <code>maxActiveRuns</code> limit appear here.
                </Empty>
              }
            >
              <div class="stack">
                <For each={d().queues}>{(q) => <QueueCard queue={q} now={now()} onChanged={() => void load()} />}</For>
              </div>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
