/**
 * @module ui/components/run-outputs
 * The outputs a run captured (`output:` of its steps) as a key/value table. Read again when
 * the run's status changes, since outputs are written as steps finish.
 */
import { createResource, For, type JSX, Show } from "solid-js";
import { api } from "../api.ts";
import { Empty, ErrorBox } from "./common.tsx";

export function RunOutputs(props: { name: string; id: string; status: number }): JSX.Element {
  const [outputs] = createResource(
    () => ({ name: props.name, id: props.id, status: props.status }),
    async (k) => Object.entries((await api.getDAGRunOutputs(k.name, k.id)).outputs).sort(([a], [b]) => a.localeCompare(b)),
  );
  return (
    <Show when={!outputs.error} fallback={<ErrorBox error={outputs.error} />}>
      <Show when={(outputs.latest ?? []).length > 0} fallback={<Empty>{outputs.loading && !outputs.latest ? "Loading…" : "No outputs"}</Empty>}>
        <div class="table-wrap">
          <table data-testid="run-outputs">
            <thead>
              <tr>
                <th>Name</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              <For each={outputs.latest ?? []}>
                {([k, v]) => (
                  <tr data-testid="run-output-row">
                    <td class="mono nowrap">{k}</td>
                    <td class="mono run-output-value">{v}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </Show>
  );
}
