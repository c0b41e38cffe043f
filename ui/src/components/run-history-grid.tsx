/**
 * @module ui/components/run-history-grid
 * A DAG's recent runs as a grid, as Dagu's history view: one column per run (newest on the
 * left), a header row with each run's status, then one row per step with a square in the
 * step's status colour. Hovering shows the times; clicking opens the run's page.
 */
import { A } from "@solidjs/router";
import { createMemo, For, type JSX } from "solid-js";
import type { DAGRunDetails, Node } from "../../../src/client/api-client.ts";
import { seg } from "../api.ts";
import { durationBetween, formatTime, runDuration } from "../format.ts";
import { statusClass, statusLabel } from "../status.ts";

export interface GridRow {
  readonly name: string;
  /** Step statuses, oldest run first (as the API gives them). */
  readonly history: readonly number[];
}

function runTitle(r: DAGRunDetails): string {
  const lines = [`Run ${r.dagRunId}: ${statusLabel(r.status)}`];
  if (r.startedAt && r.startedAt !== "-") lines.push(`Started ${formatTime(r.startedAt)}`, `Duration ${runDuration(r)}`);
  else if (r.queuedAt) lines.push(`Queued ${formatTime(r.queuedAt)}`);
  if (r.params) lines.push(`Params ${r.params}`);
  return lines.join("\n");
}

function cellTitle(step: string, code: number, run: DAGRunDetails, node: Node | undefined): string {
  const lines = [`${step}: ${statusLabel(code, "step")}`, `Run ${run.dagRunId}`];
  if (node?.startedAt && node.startedAt !== "-") {
    lines.push(`Started ${formatTime(node.startedAt)}`);
    if (node.finishedAt && node.finishedAt !== "-") lines.push(`Finished ${formatTime(node.finishedAt)} (${durationBetween(node.startedAt, node.finishedAt)})`);
  }
  if (node?.error) lines.push(node.error);
  return lines.join("\n");
}

export function RunHistoryGrid(props: { runs: readonly DAGRunDetails[]; grid: readonly GridRow[]; limit?: number }): JSX.Element {
  const runs = createMemo(() => props.runs.slice(0, props.limit ?? 30));
  /** Per run (newest first): step name → node, for the hover times. */
  const nodes = createMemo(() => runs().map((r) => new Map(r.nodes.map((n) => [n.step.name, n]))));
  const total = (): number => props.runs.length;
  const href = (r: DAGRunDetails): string => `/dag-runs/${seg(r.name)}/${seg(r.dagRunId)}`;
  return (
    <div class="history-grid-wrap" data-testid="history-grid">
      <div class="history-grid" style={{ "grid-template-columns": `minmax(110px, 220px) repeat(${runs().length}, 22px)` }}>
        <div class="hg-label muted">Run</div>
        <For each={runs()}>
          {(r) => (
            <A class="hg-cell" href={href(r)} title={runTitle(r)} data-testid="history-run" data-run-id={r.dagRunId} data-status={r.status}>
              <span class={`hg-square hg-run ${statusClass(r.status)}`} />
            </A>
          )}
        </For>
        <For each={props.grid}>
          {(row) => (
            <>
              <div class="hg-label mono" title={row.name}>
                {row.name}
              </div>
              <For each={runs()}>
                {(r, i) => {
                  // `history` is oldest first; column i is the i-th newest run.
                  const code = (): number => row.history[total() - 1 - i()] ?? 0;
                  return (
                    <A class="hg-cell" href={href(r)} title={cellTitle(row.name, code(), r, nodes()[i()]?.get(row.name))} data-testid="history-cell" data-step={row.name} data-run-id={r.dagRunId} data-status={code()}>
                      <span class={`hg-square ${statusClass(code(), "step")}`} />
                    </A>
                  );
                }}
              </For>
            </>
          )}
        </For>
      </div>
    </div>
  );
}
