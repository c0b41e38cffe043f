/**
 * @module ui/pages/dag-page
 * One DAG (`/dags/:name/:tab?`): a header with what the DAG is (description, tags, schedule
 * and next run, latest run) and its actions, then three tabs — Graph (steps coloured by the
 * latest run, live while it runs; a clicked step shows its details), History (recent runs as
 * a step × run grid and a table) and Spec (the YAML editor that validates as you type).
 * A DAG whose spec has errors still opens (the Spec tab shows them); a missing one says so.
 */
import { A, useParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, type JSX, Match, on, onCleanup, Show, Switch } from "solid-js";
import type { DAGDetails, DAGRunDetails, Step } from "../../../src/client/api-client.ts";
import { api, ApiError, seg, subscribe } from "../api.ts";
import { ErrorBox, PageHeader, Spinner, StatusBadge } from "../components/common.tsx";
import { DagActions } from "../components/dag-actions.tsx";
import { DagGraph, type GraphStep } from "../components/dag-graph.tsx";
import { DagRunTable } from "../components/dag-run-table.tsx";
import { DagStepDetails } from "../components/dag-step-details.tsx";
import { RunHistoryGrid } from "../components/run-history-grid.tsx";
import { SpecEditor } from "../components/spec-editor.tsx";
import { formatTime, relativeTime } from "../format.ts";

type Details = Awaited<ReturnType<typeof api.getDAGDetails>>;
type History = Awaited<ReturnType<typeof api.getDAGDAGRunHistory>>;
type Tab = "graph" | "history" | "spec";

/** Statuses after which a run never changes again (Dagu's isFinal). */
const finalStatuses = new Set([2, 3, 4, 6, 8]);

export default function DagPage(): JSX.Element {
  const params = useParams<{ name: string; tab?: string }>();
  const fileName = (): string => params.name;
  const tab = (): Tab => (params.tab === "history" || params.tab === "spec" ? params.tab : "graph");

  const [details, setDetails] = createSignal<Details>();
  const [loadError, setLoadError] = createSignal<unknown>();
  const [running, setRunning] = createSignal(false);
  const [history, setHistory] = createSignal<History>();
  const [historyError, setHistoryError] = createSignal<unknown>();
  const [selected, setSelected] = createSignal<string>();
  const [specVisited, setSpecVisited] = createSignal(false);
  /** Bumped on every reload, so the history (when shown) reloads with the details. */
  const [version, setVersion] = createSignal(0);

  /** The DAG as loaded; undefined when its spec has errors (the API then gives only a name). */
  const dag = (): DAGDetails | undefined => {
    const d = details();
    return d && d.errors.length === 0 ? d.dag : undefined;
  };
  const dagName = (): string => details()?.dag?.name || fileName();
  const latest = (): DAGRunDetails | undefined => details()?.latestDAGRun;
  const hasRun = (): boolean => Boolean(latest()?.dagRunId);

  let loadSeq = 0;
  const load = async (): Promise<void> => {
    const name = fileName();
    const mine = ++loadSeq;
    try {
      const d = await api.getDAGDetails(name);
      const runs = await api.listDAGRunsByName(d.dag?.name ?? name, { status: 1, fromDate: Math.floor(Date.now() / 1000) - 30 * 86400, limit: 5 }).catch(() => ({ dagRuns: [] }));
      if (mine !== loadSeq) return;
      setDetails(d);
      // The run list may lag a moment behind the latest run's own record: trust that one for it.
      setRunning(d.latestDAGRun.status === 1 || runs.dagRuns.some((r) => r.dagRunId !== d.latestDAGRun.dagRunId));
      setLoadError(undefined);
      setVersion((v) => v + 1);
    } catch (e) {
      if (mine === loadSeq) setLoadError(e);
    }
  };

  // Several events can ask for a reload at once (a run's end, the global stream): coalesce.
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = (delay = 150): void => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void load(), delay);
  };
  onCleanup(() => clearTimeout(reloadTimer));

  createEffect(
    on(fileName, () => {
      setDetails(undefined);
      setHistory(undefined);
      setLoadError(undefined);
      setSelected(undefined);
      setSpecVisited(false);
      void load();
    }),
  );
  createEffect(() => {
    if (tab() === "spec") setSpecVisited(true);
  });

  // Live node statuses of the latest run while it is not final.
  const liveKey = createMemo(() => {
    const r = latest();
    return r?.dagRunId && !finalStatuses.has(r.status) ? `${r.name}\u0000${r.dagRunId}` : undefined;
  });
  createEffect(
    on(liveKey, (key) => {
      if (!key) return;
      const [name, id] = key.split("\u0000") as [string, string];
      const close = subscribe(`/events/dag-runs/${seg(name)}/${seg(id)}`, {
        status: (data) => {
          const run = data as DAGRunDetails;
          const d = details();
          if (d && d.latestDAGRun.dagRunId === run.dagRunId) setDetails({ ...d, latestDAGRun: run });
          if (run.status === 1) setRunning(true);
          else if (finalStatuses.has(run.status)) setRunning(false);
          if (finalStatuses.has(run.status)) {
            close();
            reloadSoon();
          }
        },
      });
      onCleanup(close);
    }),
  );

  // Runs of this DAG started elsewhere (scheduler, CLI, another tab) or changing status.
  const ready = createMemo(() => details() !== undefined);
  createEffect(
    on(
      ready,
      (isReady) => {
        if (!isReady) return;
        const close = subscribe("/events/dag-runs", {
          run: (data) => {
            const s = data as { name?: string; dagRunId?: string; status?: number };
            if (s.name !== dagName()) return;
            const l = latest();
            if (s.dagRunId !== l?.dagRunId || (finalStatuses.has(s.status ?? 0) && l?.status !== s.status) || (s.status === 1) !== running()) reloadSoon(300);
          },
        });
        onCleanup(close);
      },
    ),
  );

  // The history, when its tab is open; again after each reload.
  let historySeq = 0;
  createEffect(
    on([tab, version], ([t]) => {
      if (t !== "history" || version() === 0) return;
      const mine = ++historySeq;
      api
        .getDAGDAGRunHistory(fileName())
        .then((h) => {
          if (mine === historySeq) {
            setHistory(h);
            setHistoryError(undefined);
          }
        })
        .catch((e: unknown) => {
          if (mine === historySeq) setHistoryError(e);
        });
    }),
  );

  const nodeOf = createMemo(() => new Map((latest()?.nodes ?? []).map((n) => [n.step.name, n])));
  /** The DAG's steps, or the latest run's when the spec does not load. */
  const steps = createMemo((): Step[] => dag()?.steps ?? (latest()?.nodes ?? []).map((n) => n.step));
  const graphSteps = createMemo((): GraphStep[] =>
    steps().map((s) => ({ name: s.name, depends: s.depends ?? [], status: nodeOf().get(s.name)?.status ?? 0 })),
  );
  const selectedStep = createMemo(() => steps().find((s) => s.name === selected()));

  const notFound = (): boolean => loadError() instanceof ApiError && (loadError() as ApiError).status === 404;
  const tabHref = (t: Tab): string => `/dags/${seg(fileName())}${t === "graph" ? "" : `/${t}`}`;

  return (
    <div class="dag-page" data-testid="dag-page">
      <Switch>
        <Match when={notFound()}>
          <div class="card dag-not-found" data-testid="dag-not-found">
            <h1>DAG not found</h1>
            <p class="muted">
              There is no DAG named <span class="mono">{fileName()}</span>. It may have been renamed or deleted.
            </p>
            <A class="btn" href="/dags">
              ← All DAGs
            </A>
          </div>
        </Match>
        <Match when={loadError() && !details()}>
          <ErrorBox error={loadError()} />
        </Match>
        <Match when={!details()}>
          <Spinner />
        </Match>
        <Match when={details()}>
          {(d) => (
            <>
              <PageHeader
                title={
                  <span class="dag-title" data-testid="dag-title">
                    {dagName()}
                    <Show when={d().suspended}>
                      <span class="tag dag-suspended-tag">suspended</span>
                    </Show>
                  </span>
                }
                sub={<Show when={d().dag?.description}>{d().dag?.description}</Show>}
              >
                <DagActions
                  fileName={fileName()}
                  dag={dag()}
                  latest={d().latestDAGRun}
                  running={running()}
                  suspended={d().suspended}
                  onChanged={() => reloadSoon(0)}
                  onLaunched={() => reloadSoon(0)}
                />
              </PageHeader>
              <DagMeta details={d()} dagName={dagName()} />
              <Show when={d().errors.length > 0}>
                <div class="error-box dag-errors" data-testid="dag-errors">
                  <strong>This DAG has errors</strong> — fix them in the <A href={tabHref("spec")}>spec</A>:
                  <ul>
                    <For each={d().errors}>{(e) => <li class="mono">{e}</li>}</For>
                  </ul>
                </div>
              </Show>
              <nav class="tabs" aria-label="DAG views">
                <A href={tabHref("graph")} end classList={{ active: tab() === "graph" }} data-testid="tab-graph">
                  Graph
                </A>
                <A href={tabHref("history")} end data-testid="tab-history">
                  History
                </A>
                <A href={tabHref("spec")} end data-testid="tab-spec">
                  Spec
                </A>
              </nav>
              <Show when={tab() === "graph"}>
                <div class="dag-graph-layout">
                  <Show when={steps().length > 0} fallback={<div class="card empty muted">{dag() ? "This DAG has no steps." : "The spec has errors, so there is no graph to show."}</div>}>
                    <DagGraph steps={graphSteps()} selected={selected()} onSelect={(n) => setSelected(n === selected() ? undefined : n)} />
                  </Show>
                  <Show when={selectedStep()}>
                    {(s) => (
                      <DagStepDetails
                        step={s()}
                        node={hasRun() ? nodeOf().get(s().name) : undefined}
                        run={hasRun() ? { name: latest()?.name ?? dagName(), dagRunId: latest()?.dagRunId ?? "" } : undefined}
                        onClose={() => setSelected(undefined)}
                        onSelect={setSelected}
                      />
                    )}
                  </Show>
                </div>
              </Show>
              <Show when={tab() === "history"}>
                <Switch>
                  <Match when={historyError()}>
                    <ErrorBox error={historyError()} />
                  </Match>
                  <Match when={!history()}>
                    <Spinner />
                  </Match>
                  <Match when={history()}>
                    {(h) => (
                      <div class="stack">
                        <Show when={h().dagRuns.length > 0} fallback={<div class="card empty muted">No runs yet. Start one with ▶ Start.</div>}>
                          <div class="card dag-history-card">
                            <h2>Last {Math.min(30, h().dagRuns.length)} runs</h2>
                            <RunHistoryGrid runs={h().dagRuns} grid={h().gridData} />
                          </div>
                          <DagRunTable runs={h().dagRuns} />
                        </Show>
                      </div>
                    )}
                  </Match>
                </Switch>
              </Show>
              <Show when={specVisited()}>
                <div hidden={tab() !== "spec"}>
                  <SpecEditor fileName={fileName()} onSaved={() => reloadSoon(0)} />
                </div>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </div>
  );
}

/** The line under the title: latest run, schedule and next run, tags. */
function DagMeta(props: { details: Details; dagName: string }): JSX.Element {
  const run = (): DAGRunDetails => props.details.latestDAGRun;
  const schedule = (): string[] => (props.details.dag?.schedule ?? []).map((s) => s.expression);
  const nextRun = (): string | undefined => props.details.nextRun;
  return (
    <div class="dag-meta" data-testid="dag-meta">
      <div class="dag-meta-item">
        <span class="dag-meta-label">Latest run</span>
        <Show when={run().dagRunId} fallback={<span class="muted">never run</span>}>
          <span class="row" data-testid="latest-status" data-status={run().status}>
            <StatusBadge code={run().status} />
            <A href={`/dag-runs/${seg(run().name)}/${seg(run().dagRunId)}`} class="mono" title={run().dagRunId}>
              {run().dagRunId.length > 14 ? `${run().dagRunId.slice(0, 8)}…${run().dagRunId.slice(-4)}` : run().dagRunId}
            </A>
            <Show when={run().startedAt && run().startedAt !== "-"}>
              <span class="muted" title={formatTime(run().startedAt)}>
                {relativeTime(run().startedAt)}
              </span>
            </Show>
          </span>
        </Show>
      </div>
      <div class="dag-meta-item">
        <span class="dag-meta-label">Schedule</span>
        <Show when={schedule().length > 0} fallback={<span class="muted">none</span>}>
          <span class="row">
            <For each={schedule()}>{(s) => <code class="dag-cron">{s}</code>}</For>
            <Show when={nextRun()}>
              {(n) => (
                <span class="muted" title={formatTime(n())} data-testid="next-run">
                  {props.details.suspended ? "suspended" : `next ${relativeTime(n())}`}
                </span>
              )}
            </Show>
          </span>
        </Show>
      </div>
      <Show when={(props.details.dag?.tags ?? []).length > 0}>
        <div class="dag-meta-item">
          <span class="dag-meta-label">Tags</span>
          <span class="row">
            <For each={props.details.dag?.tags ?? []}>
              {(t) => (
                <A class="tag" activeClass="tag-link" href={`/dags?tag=${encodeURIComponent(t)}`}>
                  {t}
                </A>
              )}
            </For>
          </span>
        </div>
      </Show>
      <Show when={props.details.dag?.queue}>
        <div class="dag-meta-item">
          <span class="dag-meta-label">Queue</span>
          <span class="mono">{props.details.dag?.queue}</span>
        </div>
      </Show>
    </div>
  );
}
