/**
 * @module ui/components/run-header
 * The top of a run page: DAG name, status, the run's facts (id, params, times, a duration
 * that ticks while it runs, parent and root links of a sub-DAG run) and the actions the
 * run's state allows (stop, retry, reschedule, dequeue).
 */
import { A, useNavigate } from "@solidjs/router";
import { createSignal, type JSX, Show } from "solid-js";
import { isFinal, type RunStatus } from "../../../src/core/status.ts";
import { api, seg } from "../api.ts";
import { durationBetween, formatTime, relativeTime } from "../format.ts";
import { act, PageHeader, StatusBadge } from "./common.tsx";
import { useNow } from "./run-clock.ts";
import { type DAGRunDetails, parentPath, type RunRef, runPath } from "./run-ref.ts";

function Field(props: { label: string; children: JSX.Element; testId?: string }): JSX.Element {
  return (
    <div class="run-field">
      <div class="run-field-label">{props.label}</div>
      <div class="run-field-value" data-testid={props.testId}>
        {props.children}
      </div>
    </div>
  );
}

export function RunHeader(props: {
  run: RunRef;
  details: DAGRunDetails;
  /** Called after an action changed the run (reload it and follow it again); `retried`: a new attempt was started. */
  onChanged: (retried: boolean) => void;
}): JSX.Element {
  const navigate = useNavigate();
  const d = (): DAGRunDetails => props.details;
  const final = (): boolean => isFinal(d().status as RunStatus);
  const running = (): boolean => d().status === 1 || d().status === 7;
  const now = useNow(() => !final());
  const [busy, setBusy] = createSignal(false);
  const isRoot = (): boolean => props.run.sub === undefined;

  async function run(label: string, fn: () => Promise<unknown>, confirmText: string, retried = false): Promise<void> {
    if (!window.confirm(confirmText)) return;
    setBusy(true);
    const ok = await act(label, fn);
    setBusy(false);
    if (ok) props.onChanged(retried);
  }

  async function reschedule(): Promise<void> {
    if (!window.confirm(`Start a new run of ${d().name} with the same parameters?`)) return;
    setBusy(true);
    try {
      let newId = "";
      const ok = await act("New run started", async () => {
        newId = (await api.rescheduleDAGRun(d().name, d().dagRunId)).dagRunId;
      });
      if (ok && newId) navigate(runPath(d().name, newId));
    } finally {
      setBusy(false);
    }
  }

  // A dequeued run's attempt is hidden, so the run is gone: go to its DAG.
  async function dequeue(): Promise<void> {
    if (!window.confirm(`Remove run ${d().dagRunId} from the queue?`)) return;
    const name = d().name;
    setBusy(true);
    const ok = await act("Removed from the queue", () => api.dequeueDAGRun(name, d().dagRunId));
    setBusy(false);
    if (ok) navigate(`/dags/${seg(name)}`);
  }

  const parent = (): string | undefined => parentPath(d());
  const started = (): string | undefined => (d().startedAt && d().startedAt !== "-" ? d().startedAt : undefined);

  return (
    <>
      <PageHeader
        title={
          <span class="run-title">
            <A href={`/dags/${seg(d().name)}`} data-testid="run-dag-link">
              {d().name}
            </A>
            <span data-testid="run-status">
              <StatusBadge code={d().status} />
            </span>
          </span>
        }
        sub={<span class="mono">{d().dagRunId}</span>}
      >
        <Show when={isRoot()}>
          <Show when={running()}>
            <button class="danger" data-testid="run-stop" disabled={busy()} onClick={() => void run("Stop requested", () => api.terminateDAGRun(d().name, d().dagRunId), `Stop run ${d().dagRunId}?`)}>
              ■ Stop
            </button>
          </Show>
          <Show when={d().status === 5}>
            <button data-testid="run-dequeue" disabled={busy()} onClick={() => void dequeue()}>
              Dequeue
            </button>
          </Show>
          <Show when={final()}>
            <button
              class="primary"
              data-testid="run-retry"
              disabled={busy()}
              onClick={() => void run("Retry started", () => api.retryDAGRun(d().name, d().dagRunId, { dagRunId: d().dagRunId }), `Retry run ${d().dagRunId}?`, true)}
            >
              ↻ Retry
            </button>
            <button data-testid="run-reschedule" disabled={busy()} title="Start a new run with the same parameters" onClick={() => void reschedule()}>
              Reschedule
            </button>
          </Show>
        </Show>
      </PageHeader>
      <div class="card run-facts">
        <Show when={parent()}>
          {(p) => (
            <Field label="Parent run" testId="run-parent">
              <A href={p()} data-testid="run-parent-link">
                {d().parentDAGRunName} / <span class="mono">{d().parentDAGRunId}</span>
              </A>
            </Field>
          )}
        </Show>
        <Show when={d().parentDAGRunId && d().parentDAGRunId !== d().rootDAGRunId}>
          <Field label="Root run">
            <A href={runPath(d().rootDAGRunName, d().rootDAGRunId)}>{d().rootDAGRunName}</A>
          </Field>
        </Show>
        <Field label="Params" testId="run-params">
          <Show when={d().params} fallback={<span class="muted">none</span>}>
            <code class="run-params">{d().params}</code>
          </Show>
        </Field>
        <Field label="Started">
          <span title={started() ? relativeTime(started(), now()) : undefined}>{formatTime(d().startedAt)}</span>
        </Field>
        <Field label="Finished">{formatTime(d().finishedAt)}</Field>
        <Field label="Duration" testId="run-duration">
          {durationBetween(started(), final() ? d().finishedAt : undefined, now())}
        </Field>
        <Show when={d().workerId}>
          <Field label="Worker">{d().workerId}</Field>
        </Show>
      </div>
    </>
  );
}
