/**
 * @module ui/components/dag-run-table
 * The table under the DAG page's history grid: each recent run with its status, start,
 * duration and params, linked to the run's page.
 */
import { A } from "@solidjs/router";
import { For, type JSX, Show } from "solid-js";
import type { DAGRunDetails } from "../../../src/client/api-client.ts";
import { seg } from "../api.ts";
import { formatTime, relativeTime, runDuration } from "../format.ts";
import { Empty, StatusBadge } from "./common.tsx";

export function DagRunTable(props: { runs: readonly DAGRunDetails[] }): JSX.Element {
  return (
    <Show when={props.runs.length > 0} fallback={<Empty>No runs yet</Empty>}>
      <div class="table-wrap">
        <table data-testid="run-table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Run ID</th>
              <th>Started</th>
              <th class="hide-narrow">Duration</th>
              <th class="hide-narrow">Params</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.runs}>
              {(r) => {
                const started = (): boolean => Boolean(r.startedAt) && r.startedAt !== "-";
                return (
                  <tr data-testid="run-row" data-run-id={r.dagRunId}>
                    <td>
                      <StatusBadge code={r.status} />
                    </td>
                    <td class="mono">
                      <A href={`/dag-runs/${seg(r.name)}/${seg(r.dagRunId)}`}>{r.dagRunId}</A>
                    </td>
                    <td title={started() ? formatTime(r.startedAt) : ""}>
                      {started() ? relativeTime(r.startedAt) : <span class="muted">{r.status === 5 ? "queued" : "-"}</span>}
                    </td>
                    <td class="hide-narrow">{runDuration(r)}</td>
                    <td class="hide-narrow mono dag-params-cell" title={r.params ?? ""}>
                      {r.params ?? ""}
                    </td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </div>
    </Show>
  );
}
