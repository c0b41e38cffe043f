/**
 * @module ui/components/run-sub-runs
 * The sub-DAG runs a run started (`call:` steps, parallel fan-outs), each linking to its own
 * run page. Read again whenever the parent's status record changes.
 */
import { A } from "@solidjs/router";
import { createResource, For, type JSX, Show } from "solid-js";
import { api } from "../api.ts";
import { durationBetween, formatTime } from "../format.ts";
import { ErrorBox, StatusBadge } from "./common.tsx";
import { type RunRef, runPath } from "./run-ref.ts";

export function RunSubRuns(props: {
  run: RunRef;
  id: string;
  /** Changes whenever the parent's record does (the list is read again). */
  version: string;
  now: number;
  /** Sub-run id → "<step> → <sub-DAG>", from the parent's nodes. */
  labels: ReadonlyMap<string, string>;
}): JSX.Element {
  const [subs] = createResource(
    () => ({ name: props.run.name, id: props.run.sub ? props.run.id : props.id, sub: props.run.sub, v: props.version }),
    async (k) => (await api.getSubDAGRuns(k.name, k.id, k.sub ? { parentSubDAGRunId: k.sub } : undefined)).subRuns,
  );
  return (
    <Show when={!subs.error} fallback={<ErrorBox error={subs.error} />}>
      <Show when={(subs.latest ?? []).length > 0}>
        <div class="card">
          <h2>Sub-DAG runs</h2>
          <div class="table-wrap">
            <table data-testid="run-sub-runs">
              <thead>
                <tr>
                  <th>Step → DAG</th>
                  <th>Run</th>
                  <th>Status</th>
                  <th class="hide-narrow">Params</th>
                  <th class="hide-narrow">Started</th>
                  <th>Duration</th>
                </tr>
              </thead>
              <tbody>
                <For each={subs.latest ?? []}>
                  {(s) => (
                    <tr>
                      <td class="nowrap">{props.labels.get(s.dagRunId) ?? ""}</td>
                      <td>
                        <A class="mono" href={runPath(props.run.name, props.run.id, s.dagRunId)}>
                          {s.dagRunId}
                        </A>
                      </td>
                      <td>
                        <StatusBadge code={s.status} />
                      </td>
                      <td class="hide-narrow mono">{s.params ?? ""}</td>
                      <td class="hide-narrow nowrap">{formatTime(s.startedAt)}</td>
                      <td class="nowrap">{durationBetween(s.startedAt, s.status === 1 ? undefined : s.finishedAt, props.now)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </div>
      </Show>
    </Show>
  );
}
