/**
 * @module ui/pages/run-page
 * One DAG run (`/dag-runs/:name/:dagRunId`, or a sub-DAG run of it with `?subDAGRunId=`):
 * header and actions, the graph and the steps table coloured by status, the selected step's
 * logs, outputs and sub-DAG runs. A live root run is followed over its SSE status stream
 * (a sub run, which has no stream, is polled) until it is final. The selected step and log
 * tab live in the URL (`?step=&log=`) so a view can be linked.
 */
import { useParams, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, type JSX, on, onCleanup, Show } from "solid-js";
import { isFinal, type RunStatus } from "../../../src/core/status.ts";
import { api, seg, subscribe } from "../api.ts";
import { act, ErrorBox, Spinner } from "../components/common.tsx";
import { DagGraph, type GraphStep } from "../components/dag-graph.tsx";
import { useNow } from "../components/run-clock.ts";
import { RunHeader } from "../components/run-header.tsx";
import { type LogTab, RunLogs } from "../components/run-logs.tsx";
import { RunOutputs } from "../components/run-outputs.tsx";
import { allNodes, type DAGRunDetails, fetchRun, type RunRef } from "../components/run-ref.ts";
import { RunSteps } from "../components/run-steps.tsx";
import { RunSubRuns } from "../components/run-sub-runs.tsx";

const pollMs = 1500;

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function isDetails(v: unknown): v is DAGRunDetails {
  return typeof v === "object" && v !== null && Array.isArray((v as { nodes?: unknown }).nodes) && typeof (v as { status?: unknown }).status === "number";
}

export default function RunPage(): JSX.Element {
  const params = useParams<{ name: string; dagRunId: string }>();
  const [search, setSearch] = useSearchParams<{ subDAGRunId?: string; step?: string; log?: string }>();
  const ref = createMemo<RunRef>(
    () => {
      const sub = one(search.subDAGRunId);
      return { name: params.name, id: params.dagRunId, ...(sub ? { sub } : {}) };
    },
    { name: "", id: "" },
    { equals: (a, b) => a.name === b.name && a.id === b.id && a.sub === b.sub },
  );
  const refKey = (r: RunRef): string => `${r.name}\n${r.id}\n${r.sub ?? ""}`;
  // Details are kept with the run they belong to: right after a navigation the old run's
  // details must not be shown (or used for requests) under the new run's path.
  const [loaded, setLoaded] = createSignal<{ key: string; d: DAGRunDetails }>();
  const details = (): DAGRunDetails | undefined => {
    const l = loaded();
    return l && l.key === refKey(ref()) ? l.d : undefined;
  };
  const setDetails = (d: DAGRunDetails, r: RunRef): void => {
    setLoaded({ key: refKey(r), d });
  };
  const [error, setError] = createSignal<unknown>();
  const final = (): boolean => {
    const d = details();
    return d !== undefined && isFinal(d.status as RunStatus);
  };
  const now = useNow(() => !final());

  let unwatch: (() => void) | undefined;
  let generation = 0;
  onCleanup(() => unwatch?.());

  /** Follow a live run: the SSE stream for a root run, polling for a sub run. */
  function watch(gen: number): void {
    unwatch?.();
    unwatch = undefined;
    const d = details();
    if (!d || isFinal(d.status as RunStatus)) return;
    const r = ref();
    if (r.sub) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = async (): Promise<void> => {
        try {
          const next = await fetchRun(r);
          if (gen !== generation) return;
          setDetails(next, r);
          if (isFinal(next.status as RunStatus)) return;
        } catch {
          // Keep the last state; try again.
        }
        if (gen === generation) timer = setTimeout(() => void tick(), pollMs);
      };
      timer = setTimeout(() => void tick(), pollMs);
      unwatch = () => clearTimeout(timer);
      return;
    }
    const close = subscribe(`/events/dag-runs/${seg(r.name)}/${seg(d.dagRunId)}`, {
      status: (data) => {
        if (gen !== generation || !isDetails(data)) return;
        setDetails(data, r);
        // The server ends the stream at a final status; close so the browser does not reconnect.
        if (isFinal(data.status as RunStatus)) close();
      },
    });
    unwatch = close;
  }

  /**
   * Read the run and follow it if live. After a retry the new attempt may not have written
   * its first record yet, so the API still shows the old final one: with `newAttempt`, read
   * again until the start time changes (at most 10 s).
   */
  async function load(newAttempt = false): Promise<void> {
    const gen = ++generation;
    const r = ref();
    const before = newAttempt ? details() : undefined;
    const deadline = Date.now() + 10_000;
    try {
      for (;;) {
        const d = await fetchRun(r);
        if (gen !== generation) return;
        const stale = before !== undefined && isFinal(d.status as RunStatus) && d.startedAt === before.startedAt;
        if (!stale || Date.now() > deadline) {
          setDetails(d, r);
          setError(undefined);
          watch(gen);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch (e) {
      if (gen === generation) setError(e);
    }
  }

  createEffect(
    on(ref, () => {
      setError(undefined);
      void load();
    }),
  );

  const nodes = createMemo(() => {
    const d = details();
    return d ? allNodes(d) : [];
  });
  const selected = (): string | undefined => {
    const s = one(search.step);
    return s && nodes().some((n) => n.node.step.name === s) ? s : undefined;
  };
  const logTab = (): LogTab => {
    const l = one(search.log);
    return l === "stderr" || l === "run" ? l : "stdout";
  };
  const graphSteps = createMemo<GraphStep[]>(() =>
    (details()?.nodes ?? []).map((n) => ({ name: n.step.name, depends: n.step.depends ?? [], status: n.status })),
  );
  const subLabels = createMemo(() => {
    const m = new Map<string, string>();
    for (const { node } of nodes()) for (const s of node.subRuns ?? []) m.set(s.dagRunId, `${node.step.name} → ${node.step.call ?? ""}`);
    return m;
  });
  const hasSubRuns = (): boolean => subLabels().size > 0;
  /** Changes with every record the stream delivers: lets dependent lists refresh. */
  const version = (): string => {
    const d = details();
    return d ? `${d.status}|${d.finishedAt}|${d.nodes.map((n) => `${n.status}${n.subRuns?.length ?? 0}`).join(",")}` : "";
  };

  function select(step: string): void {
    setSearch({ step: step === selected() ? undefined : step });
  }

  async function retryStep(step: string): Promise<void> {
    const d = details();
    if (!d || !window.confirm(`Run step "${step}" of ${d.dagRunId} again?`)) return;
    if (await act(`Retrying step ${step}`, () => api.retryDAGRun(d.name, d.dagRunId, { dagRunId: d.dagRunId, stepName: step }))) void load(true);
  }

  return (
    <Show when={details()} fallback={<Show when={error()} fallback={<Spinner />}>{(e) => <ErrorBox error={e()} />}</Show>}>
      {(d) => (
        <div class="stack run-page" data-testid="run-page" data-status={d().status}>
          <RunHeader run={ref()} details={d()} onChanged={(retried) => void load(retried)} />
          <Show when={error()}>{(e) => <ErrorBox error={e()} />}</Show>
          <div class="card">
            <h2>Graph</h2>
            <DagGraph steps={graphSteps()} selected={selected()} onSelect={select} />
          </div>
          <div class="card">
            <h2>Steps</h2>
            <RunSteps
              run={ref()}
              details={d()}
              now={now()}
              selected={selected()}
              onSelect={select}
              onRetryStep={ref().sub === undefined && final() ? (s: string) => void retryStep(s) : undefined}
            />
          </div>
          <RunLogs
            run={ref()}
            id={d().dagRunId}
            step={selected()}
            tab={logTab()}
            onTab={(t) => setSearch({ log: t })}
            running={!final()}
          />
          <Show when={hasSubRuns()}>
            <RunSubRuns run={ref()} id={d().dagRunId} version={version()} now={now()} labels={subLabels()} />
          </Show>
          <Show when={ref().sub === undefined}>
            <div class="card">
              <h2>Outputs</h2>
              <RunOutputs name={d().name} id={d().dagRunId} status={d().status} />
            </div>
          </Show>
        </div>
      )}
    </Show>
  );
}
