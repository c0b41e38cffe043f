/**
 * @module ui/components/dag-actions
 * The DAG page's action bar: Start and Enqueue (through the start dialog), Stop (all running
 * runs), Restart (stop, wait until nothing runs, start again with the latest run's params, as
 * Dagu's restart), Retry (the latest run when it did not succeed), Dequeue (a queued latest
 * run) and the Suspend switch. Buttons that do not apply are shown disabled with the reason.
 */
import { createSignal, type JSX, Show } from "solid-js";
import type { DAGDetails, DAGRunDetails } from "../../../src/client/api-client.ts";
import { api } from "../api.ts";
import { act } from "./common.tsx";
import { StartDialog, type StartMode } from "./start-dialog.tsx";

const retryable = new Set([2, 3, 6]);

async function waitUntilStopped(dagName: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { dagRuns } = await api.listDAGRunsByName(dagName, { status: 1, fromDate: Math.floor(Date.now() / 1000) - 30 * 86400, limit: 5 });
    if (dagRuns.length === 0) return;
    if (Date.now() > deadline) throw new Error(`runs of ${dagName} are still running after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * After a retry request: wait (briefly) until the run's record is the new attempt's, so the
 * reload that follows shows it running (or already finished) rather than the old failure.
 */
async function waitForNewAttempt(name: string, dagRunId: string, oldStartedAt: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { dagRunDetails: r } = await api.getDAGRunDetails(name, dagRunId);
    if (r.startedAt !== oldStartedAt || r.status === 0 || r.status === 1) return;
    await new Promise((res) => setTimeout(res, 150));
  }
}

export function DagActions(props: {
  fileName: string;
  dag: DAGDetails | undefined;
  latest: DAGRunDetails;
  running: boolean;
  suspended: boolean;
  /** Something changed: reload the page data. */
  onChanged: () => void;
  /** A run was started or enqueued from here. */
  onLaunched: (dagRunId: string) => void;
}): JSX.Element {
  const [dialog, setDialog] = createSignal<StartMode>();
  const [busy, setBusy] = createSignal(false);
  const run = async (label: string, fn: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    try {
      await act(label, fn);
    } finally {
      setBusy(false);
      props.onChanged();
    }
  };
  const latestId = (): string => props.latest.dagRunId;
  const noDag = (): boolean => props.dag === undefined;

  return (
    <>
      <div class="dag-actions" data-testid="dag-actions">
        <button class="primary" data-testid="action-start" disabled={noDag() || busy()} title={noDag() ? "The DAG has errors" : "Start a new run"} onClick={() => setDialog("start")}>
          ▶ Start
        </button>
        <button data-testid="action-enqueue" disabled={noDag() || busy()} title="Put a run on the DAG's queue" onClick={() => setDialog("enqueue")}>
          Enqueue
        </button>
        <button
          class="danger"
          data-testid="action-stop"
          disabled={!props.running || busy()}
          title={props.running ? "Stop every running run of this DAG" : "Nothing is running"}
          onClick={() => void run("Stop requested", () => api.stopAllDAGRuns(props.fileName))}
        >
          ■ Stop
        </button>
        <button
          data-testid="action-restart"
          disabled={!props.running || noDag() || busy()}
          title={props.running ? "Stop the running runs, then start again with the latest run's parameters" : "Nothing is running"}
          onClick={() =>
            void run("Restarted", async () => {
              const params = props.latest.params;
              const name = props.latest.name || props.dag?.name || props.fileName;
              await api.stopAllDAGRuns(props.fileName);
              await waitUntilStopped(name);
              const { dagRunId } = await api.executeDAG(props.fileName, params ? { params } : {});
              props.onLaunched(dagRunId);
            })
          }
        >
          ↻ Restart
        </button>
        <button
          data-testid="action-retry"
          disabled={!retryable.has(props.latest.status) || busy()}
          title={retryable.has(props.latest.status) ? `Retry run ${latestId()}` : "Only a failed, aborted or partially succeeded latest run can be retried"}
          onClick={() =>
            void run("Retry started", async () => {
              const { name, startedAt } = props.latest;
              const id = latestId();
              await api.retryDAGRun(name, id, { dagRunId: id });
              await waitForNewAttempt(name, id, startedAt);
              props.onLaunched(id);
            })
          }
        >
          Retry
        </button>
        <Show when={props.latest.status === 5}>
          <button data-testid="action-dequeue" disabled={busy()} title={`Remove run ${latestId()} from the queue`} onClick={() => void run("Dequeued", () => api.dequeueDAGRun(props.latest.name, latestId()))}>
            Dequeue
          </button>
        </Show>
        <label class="dag-switch" title="A suspended DAG is not started by its schedule">
          <input
            type="checkbox"
            role="switch"
            data-testid="action-suspend"
            checked={props.suspended}
            disabled={busy()}
            onChange={(e) => {
              const suspend = e.currentTarget.checked;
              void run(suspend ? "Suspended" : "Resumed", () => api.updateDAGSuspensionState(props.fileName, { suspend }));
            }}
          />
          <span>Suspended</span>
        </label>
      </div>
      <Show when={dialog() && props.dag}>
        {(dag) => (
          <StartDialog
            mode={dialog() as StartMode}
            fileName={props.fileName}
            dag={dag()}
            onClose={() => setDialog(undefined)}
            onDone={(id) => {
              props.onLaunched(id);
              props.onChanged();
            }}
          />
        )}
      </Show>
    </>
  );
}
