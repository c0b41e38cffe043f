/**
 * @module ui/components/run-steps
 * The steps of a run as a table (steps, then lifecycle handlers): status, times, duration,
 * exit code, retries, error, links to sub-DAG runs, and "retry this step" once the run has
 * ended. Clicking a row selects the step whose logs the page shows.
 */
import { A } from "@solidjs/router";
import { For, Index, type JSX, Show } from "solid-js";
import { durationBetween, formatTime } from "../format.ts";
import { StatusBadge } from "./common.tsx";
import { allNodes, type DAGRunDetails, type Node, type RunRef, runPath } from "./run-ref.ts";

/** The step's exit code, once it has ended ("-" before, and for records without one). */
export function exitCodeOf(n: Node): string {
  return n.exitCode !== undefined ? String(n.exitCode) : "-";
}

/** Time of day only: a run's steps share its date (the full time is the cell's tooltip). */
function clock(s: string): string {
  const t = formatTime(s);
  return t === "-" ? t : t.slice(11);
}

function commandOf(n: Node): string {
  if (n.step.call) return `call ${n.step.call}${n.step.params ? ` ${n.step.params}` : ""}`;
  const c = n.step.commands?.[0];
  if (c) return [c.command, ...(c.args ?? [])].join(" ");
  return n.step.script ? n.step.script.trim().split("\n")[0] ?? "" : "";
}

export function RunSteps(props: {
  run: RunRef;
  details: DAGRunDetails;
  now: number;
  selected?: string;
  onSelect: (step: string) => void;
  /** Offered once the run is final (root runs only). */
  onRetryStep?: (step: string) => void;
}): JSX.Element {
  const rows = () => allNodes(props.details);
  const running = (n: Node): boolean => n.status === 1;
  return (
    <div class="table-wrap">
      <table class="run-steps" data-testid="run-steps">
        <thead>
          <tr>
            <th class="hide-narrow">#</th>
            <th>Step</th>
            <th>Status</th>
            <th class="hide-narrow">Started</th>
            <th>Duration</th>
            <th title="Exit code">Exit</th>
            <th title="Retries (and runs of a repeated step)">Retries</th>
            <th>Error / sub-runs</th>
            <Show when={props.onRetryStep}>
              <th />
            </Show>
          </tr>
        </thead>
        <tbody>
          {/* Index: a live update replaces every object; rows stay and update in place. */}
          <Index each={rows()}>
            {(row, i) => {
              const n = (): Node => row().node;
              const name = (): string => n().step.name;
              return (
                <tr
                  data-testid="run-step-row"
                  data-step={name()}
                  classList={{ selected: props.selected === name(), "run-handler-row": row().handler !== undefined }}
                  onClick={() => props.onSelect(name())}
                >
                  <td class="hide-narrow muted">{row().handler ? "" : i + 1}</td>
                  <td class="run-step-name">
                    <button type="button" class="link-btn" data-testid="run-step-select" onClick={() => props.onSelect(name())}>
                      {name()}
                    </button>
                    <Show when={row().handler}>
                      <span class="tag">handler</span>
                    </Show>
                    <Show when={commandOf(n())}>
                      <div class="muted mono run-step-cmd" title={commandOf(n())}>
                        {commandOf(n())}
                      </div>
                    </Show>
                  </td>
                  <td data-testid="run-step-status">
                    <StatusBadge code={n().status} kind="step" />
                  </td>
                  <td class="hide-narrow nowrap" title={formatTime(n().startedAt)}>
                    {clock(n().startedAt)}
                  </td>
                  <td class="nowrap" title={`finished ${formatTime(n().finishedAt)}`}>
                    {durationBetween(n().startedAt, running(n()) ? undefined : n().finishedAt, props.now)}
                  </td>
                  <td class="mono" data-testid="run-step-exit">
                    {exitCodeOf(n())}
                  </td>
                  <td>
                    {n().retryCount}
                    <Show when={n().doneCount > 1}>
                      <span class="muted" title="Runs of a repeated step">
                        {" "}
                        (×{n().doneCount})
                      </span>
                    </Show>
                  </td>
                  <td class="run-step-error">
                    <Show when={n().error}>
                      <span class="run-error-text">{n().error}</span>
                    </Show>
                    <For each={n().subRuns ?? []}>
                      {(s) => (
                        <A
                          class="run-sub-link"
                          href={runPath(props.run.name, props.run.id, s.dagRunId)}
                          data-testid="run-sub-link"
                          onClick={(e) => e.stopPropagation()}
                        >
                          ↳ {n().step.call ?? "sub-run"} <span class="mono">{s.dagRunId.slice(0, 8)}</span>
                        </A>
                      )}
                    </For>
                  </td>
                  <Show when={props.onRetryStep}>
                    {(retry) => (
                      <td>
                        <Show when={!row().handler}>
                          <button
                            type="button"
                            class="small-btn row-action"
                            data-testid="run-step-retry"
                            title="Run this step again"
                            onClick={(e) => {
                              e.stopPropagation();
                              retry()(name());
                            }}
                          >
                            ↻ Retry step
                          </button>
                        </Show>
                      </td>
                    )}
                  </Show>
                </tr>
              );
            }}
          </Index>
        </tbody>
      </table>
    </div>
  );
}
