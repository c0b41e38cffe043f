/**
 * @module ui/components/start-dialog
 * The Start / Enqueue dialog of the DAG page: one input per parameter of the DAG (named ones
 * by name, positional ones as $1, $2…) prefilled with the defaults, or one free-form field
 * when the DAG declares none, and an optional run ID. The values are sent back in Dagu's
 * params syntax (`NAME="value" "positional"`), which the server parses as the CLI does.
 */
import { createSignal, For, type JSX, onMount, Show } from "solid-js";
import type { DAGDetails } from "../../../src/client/api-client.ts";
import { escapeParams, parseParamString, type RawParam } from "../../../src/core/param-syntax.ts";
import { api } from "../api.ts";
import { ErrorBox, toast } from "./common.tsx";

export type StartMode = "start" | "enqueue";

interface RunConfig {
  readonly disableParamEdit?: boolean;
  readonly disableRunIdEdit?: boolean;
}

function runConfigOf(dag: DAGDetails): RunConfig {
  const rc = dag["runConfig"];
  return rc !== null && typeof rc === "object" ? (rc as RunConfig) : {};
}

/** The DAG's parameters with their defaults (from `defaultParams`, else `params`). */
export function declaredParams(dag: DAGDetails): RawParam[] {
  if (dag.defaultParams) return parseParamString(dag.defaultParams);
  return (dag.params ?? []).map((p) => {
    const eq = p.indexOf("=");
    return eq > 0 ? { name: p.slice(0, eq), value: p.slice(eq + 1) } : { name: "", value: p };
  });
}

export function StartDialog(props: {
  mode: StartMode;
  fileName: string;
  dag: DAGDetails;
  onClose: () => void;
  onDone: (dagRunId: string) => void;
}): JSX.Element {
  let dialog: HTMLDialogElement | undefined;
  const declared = declaredParams(props.dag);
  const values = declared.map((p) => createSignal(p.value));
  const [free, setFree] = createSignal("");
  const [runId, setRunId] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const rc = runConfigOf(props.dag);
  const verb = props.mode === "start" ? "Start" : "Enqueue";

  onMount(() => {
    dialog?.showModal();
    dialog?.querySelector<HTMLElement>("input:not([disabled])")?.focus();
  });

  const paramsString = (): string => {
    if (declared.length === 0) return free().trim();
    return escapeParams(declared.map((p, i) => ({ name: p.name, value: (values[i] as (typeof values)[number])[0]() })));
  };

  const submit = async (ev: SubmitEvent): Promise<void> => {
    ev.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const params = paramsString();
      const body = { ...(params !== "" ? { params } : {}), ...(runId().trim() !== "" ? { dagRunId: runId().trim() } : {}) };
      const res = props.mode === "start" ? await api.executeDAG(props.fileName, body) : await api.enqueueDAGDAGRun(props.fileName, body);
      toast(`${props.mode === "start" ? "Started" : "Enqueued"} ${res.dagRunId}`);
      dialog?.close();
      props.onDone(res.dagRunId);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      class="dag-dialog"
      data-testid="start-dialog"
      aria-labelledby="start-dialog-title"
      onClose={() => props.onClose()}
    >
      <form class="stack" onSubmit={(ev) => void submit(ev)}>
        <h2 id="start-dialog-title">
          {verb} {props.dag.name}
        </h2>
        <Show when={rc.disableParamEdit}>
          <div class="muted">Parameters of this DAG cannot be edited (runConfig.disableParamEdit).</div>
        </Show>
        <Show
          when={declared.length > 0}
          fallback={
            <label>
              Parameters <span class="muted dag-hint">optional, e.g. KEY=value or positional values</span>
              <input
                class="mono"
                data-testid="param-free"
                value={free()}
                disabled={rc.disableParamEdit}
                onInput={(e) => setFree(e.currentTarget.value)}
                placeholder="KEY=value"
              />
            </label>
          }
        >
          <div class="dag-param-grid">
            <For each={declared}>
              {(p, i) => {
                const [value, setValue] = values[i()] as (typeof values)[number];
                const label = p.name === "" ? `$${i() + 1}` : p.name;
                return (
                  <label>
                    <span class="mono">{label}</span>
                    <input
                      class="mono"
                      data-testid={`param-${label}`}
                      value={value()}
                      disabled={rc.disableParamEdit}
                      onInput={(e) => setValue(e.currentTarget.value)}
                    />
                  </label>
                );
              }}
            </For>
          </div>
        </Show>
        <label>
          Run ID <span class="muted dag-hint">optional; generated when empty</span>
          <input class="mono" data-testid="run-id-input" value={runId()} disabled={rc.disableRunIdEdit} onInput={(e) => setRunId(e.currentTarget.value)} />
        </label>
        <Show when={error()}>{(e) => <ErrorBox error={e()} />}</Show>
        <div class="row dag-dialog-buttons">
          <button type="button" onClick={() => dialog?.close()}>
            Cancel
          </button>
          <button type="submit" class="primary" data-testid="start-submit" disabled={busy()}>
            {verb}
          </button>
        </div>
      </form>
    </dialog>
  );
}
