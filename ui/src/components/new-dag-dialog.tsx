/**
 * @module ui/components/new-dag-dialog
 * "New DAG": a modal asking for a name, which creates the file with the server's default
 * spec (`POST /dags`) and opens it in the DAG page's spec editor.
 */
import { useNavigate } from "@solidjs/router";
import { createEffect, createSignal, type JSX, Show } from "solid-js";
import { api, seg } from "../api.ts";
import { ErrorBox } from "./common.tsx";

/** What the server accepts as a DAG file name (src/server/dag-catalog.ts checkFileName). */
const namePattern = /^[A-Za-z0-9_.-]+$/;

export function nameProblem(name: string): string | undefined {
  if (name === "") return "Enter a name.";
  if (name.length > 255) return "At most 255 characters.";
  if (!namePattern.test(name) || name.includes("..")) return "Use letters, digits, dashes, dots and underscores only.";
  return undefined;
}

export function NewDagDialog(props: { open: boolean; onClose: () => void }): JSX.Element {
  const navigate = useNavigate();
  const [name, setName] = createSignal("");
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const [touched, setTouched] = createSignal(false);
  let dialog: HTMLDialogElement | undefined;
  let input: HTMLInputElement | undefined;

  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      setName("");
      setError(undefined);
      setTouched(false);
      dialog.showModal();
      input?.focus();
    } else if (!props.open && dialog.open) dialog.close();
  });

  const problem = (): string | undefined => nameProblem(name().trim().replace(/\.ya?ml$/, ""));

  const submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (problem() || busy()) return;
    setBusy(true);
    setError(undefined);
    try {
      const res = await api.createNewDAG({ name: name().trim() });
      props.onClose();
      navigate(`/dags/${seg(res.name)}/spec`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} class="dl-dialog" data-testid="new-dag-dialog" onClose={() => props.onClose()} aria-labelledby="new-dag-title">
      <form onSubmit={(e) => void submit(e)} class="dl-dialog-form">
        <h2 id="new-dag-title">New DAG</h2>
        <label>
          Name
          <input
            ref={input}
            value={name()}
            onInput={(e) => setName(e.currentTarget.value)}
            placeholder="e.g. nightly-backup"
            autocomplete="off"
            spellcheck={false}
            maxLength={255}
            data-testid="new-dag-name"
            aria-invalid={touched() && problem() !== undefined}
          />
        </label>
        <div class="muted dl-dialog-hint">
          Creates <span class="mono">{(name().trim() || "name").replace(/\.ya?ml$/, "")}.yaml</span> with a one-step example, then opens it in the editor.
        </div>
        <Show when={touched() && problem()}>{(p) => <div class="dl-field-error">{p()}</div>}</Show>
        <Show when={error()}>{(e) => <ErrorBox error={e()} />}</Show>
        <div class="dl-dialog-actions">
          <button type="button" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy()} data-testid="new-dag-create">
            {busy() ? "Creating…" : "Create"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
