/**
 * @module ui/components/dag-list-table
 * The rows of the DAG list: name (and description, and a marker for spec errors), tags as
 * filter chips, the last run, schedules, and a switch that suspends or resumes scheduling.
 * It renders only the page it is given; sorting is the server's, shown in the headers.
 */
import { A } from "@solidjs/router";
import { createSignal, For, type JSX, Show } from "solid-js";
import { act, StatusBadge } from "./common.tsx";
import { api, type DAGFile, seg } from "../api.ts";
import { formatTime, relativeTime } from "../format.ts";

export type SortKey = "name" | "nextRun";
export type SortOrder = "asc" | "desc";

/** The scheduling switch; its state comes from the page (the row dims itself while suspended). */
function SuspendSwitch(props: { fileName: string; suspended: boolean; onChange: (suspended: boolean) => void }): JSX.Element {
  const [busy, setBusy] = createSignal(false);
  // Flips at once, and flips back if the server says no.
  const toggle = async (): Promise<void> => {
    const next = !props.suspended;
    props.onChange(next);
    setBusy(true);
    const ok = await act(next ? `Suspended ${props.fileName}` : `Resumed ${props.fileName}`, () => api.updateDAGSuspensionState(props.fileName, { suspend: next }));
    if (!ok) props.onChange(!next);
    setBusy(false);
  };
  return (
    <label class="dl-switch" title={props.suspended ? "Suspended: the scheduler skips this DAG" : "Scheduled runs are on"}>
      <input
        type="checkbox"
        role="switch"
        checked={!props.suspended}
        disabled={busy()}
        onChange={() => void toggle()}
        aria-label={`Scheduling of ${props.fileName}`}
        data-testid="suspend-toggle"
      />
      <span class="dl-switch-track" aria-hidden="true" />
    </label>
  );
}

function SortHeader(props: { label: string; key: SortKey; sort: SortKey; order: SortOrder; onSort: (key: SortKey, order: SortOrder) => void; class?: string }): JSX.Element {
  const active = (): boolean => props.sort === props.key;
  return (
    <th class={props.class} aria-sort={active() ? (props.order === "asc" ? "ascending" : "descending") : "none"}>
      <button
        class="dl-sort"
        classList={{ active: active() }}
        onClick={() => props.onSort(props.key, active() && props.order === "asc" ? "desc" : "asc")}
        data-testid={`sort-${props.key}`}
      >
        {props.label}
        <span aria-hidden="true">{active() ? (props.order === "asc" ? "▲" : "▼") : "↕"}</span>
      </button>
    </th>
  );
}

export function DagListTable(props: {
  dags: readonly DAGFile[];
  now: number;
  activeTag: string | undefined;
  onTag: (tag: string | undefined) => void;
  sort: SortKey;
  order: SortOrder;
  onSort: (key: SortKey, order: SortOrder) => void;
  /** The switch state: the page keeps it, so a row rebuilt by a live update keeps it too. */
  isSuspended: (d: DAGFile) => boolean;
  onSuspended: (fileName: string, suspended: boolean) => void;
}): JSX.Element {
  return (
    <div class="table-wrap dl-wrap" data-testid="dag-table-wrap">
      <table class="dl-table">
        <thead>
          <tr>
            <SortHeader label="Name" key="name" sort={props.sort} order={props.order} onSort={props.onSort} />
            <th>Tags</th>
            <th>Last run</th>
            <SortHeader label="Schedule" key="nextRun" sort={props.sort} order={props.order} onSort={props.onSort} />
            <th class="dl-col-switch">Active</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.dags}>
            {(d) => {
              const run = (): DAGFile["latestDAGRun"] => d.latestDAGRun;
              const when = (): string => run().finishedAt || run().startedAt;
              const suspended = (): boolean => props.isSuspended(d);
              return (
                <tr data-testid="dag-row" data-name={d.fileName} classList={{ "dl-suspended": suspended() }}>
                  <td class="dl-name-cell">
                    <div class="dl-name">
                      <A href={`/dags/${seg(d.fileName)}`} data-testid="dag-link">
                        {d.dag.name || d.fileName}
                      </A>
                      <Show when={d.errors.length > 0}>
                        <span class="dl-err" title={d.errors.join("\n")} data-testid="dag-errors">
                          ⚠ {d.errors.length === 1 ? "error" : `${d.errors.length} errors`}
                        </span>
                      </Show>
                    </div>
                    <Show when={d.dag.description}>
                      <div class="dl-desc muted" title={d.dag.description}>
                        {d.dag.description}
                      </div>
                    </Show>
                  </td>
                  <td>
                    <div class="dl-tags">
                      <For each={d.dag.tags ?? []}>
                        {(t) => (
                          <button
                            class="tag"
                            classList={{ active: props.activeTag === t }}
                            onClick={() => props.onTag(props.activeTag === t ? undefined : t)}
                            title={props.activeTag === t ? "Clear the tag filter" : `Show DAGs tagged ${t}`}
                            data-testid="tag-chip"
                          >
                            {t}
                          </button>
                        )}
                      </For>
                    </div>
                  </td>
                  <td class="dl-run">
                    <Show when={run().dagRunId} fallback={<span class="muted">never run</span>}>
                      <A href={`/dag-runs/${seg(run().name)}/${seg(run().dagRunId)}`} class="dl-run-link" title={formatTime(when())} data-testid="last-run">
                        <StatusBadge code={run().status} />
                        <span class="muted">{relativeTime(when(), props.now)}</span>
                      </A>
                    </Show>
                  </td>
                  <td>
                    <Show when={(d.dag.schedule ?? []).length > 0} fallback={<span class="muted">—</span>}>
                      <div class="dl-sched">
                        <For each={d.dag.schedule ?? []}>{(s) => <code>{s.expression}</code>}</For>
                      </div>
                    </Show>
                  </td>
                  <td class="dl-col-switch">
                    <SuspendSwitch fileName={d.fileName} suspended={suspended()} onChange={(v) => props.onSuspended(d.fileName, v)} />
                  </td>
                </tr>
              );
            }}
          </For>
        </tbody>
      </table>
    </div>
  );
}
