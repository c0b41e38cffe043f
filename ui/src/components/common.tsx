/**
 * @module ui/components/common
 * Small building blocks every page uses: status badge, spinner, error box, page header,
 * empty state, a resource loader with error handling, and a toast for action results.
 */
import { createSignal, type JSX, Show } from "solid-js";
import { ApiError } from "../api.ts";
import { type StatusKind, statusClass, statusLabel } from "../status.ts";

export function StatusBadge(props: { code: number; kind?: StatusKind }): JSX.Element {
  return <span class={`badge ${statusClass(props.code, props.kind)}`}>{statusLabel(props.code, props.kind)}</span>;
}

/** A small square in the status colour (history grids, legends). */
export function StatusDot(props: { code: number; kind?: StatusKind; title?: string }): JSX.Element {
  return <span class={`dot ${statusClass(props.code, props.kind)}`} title={props.title ?? statusLabel(props.code, props.kind)} />;
}

export function Spinner(): JSX.Element {
  return <div class="spinner" role="status" aria-label="Loading" />;
}

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function ErrorBox(props: { error: unknown }): JSX.Element {
  return (
    <div class="error-box" role="alert">
      {errorMessage(props.error)}
    </div>
  );
}

export function PageHeader(props: { title: JSX.Element; children?: JSX.Element; sub?: JSX.Element }): JSX.Element {
  return (
    <div class="page-header">
      <div>
        <h1>{props.title}</h1>
        <Show when={props.sub}>
          <div class="muted">{props.sub}</div>
        </Show>
      </div>
      <div class="actions">{props.children}</div>
    </div>
  );
}

export function Empty(props: { children: JSX.Element }): JSX.Element {
  return <div class="empty muted">{props.children}</div>;
}

const [toastText, setToastText] = createSignal<{ text: string; error: boolean } | undefined>();
let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** Show a short message at the bottom of the screen (action results, API errors). */
export function toast(text: string, error = false): void {
  setToastText({ text, error });
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => setToastText(undefined), 4000);
}

export function Toast(): JSX.Element {
  return (
    <Show when={toastText()}>
      {(t) => (
        <div class="toast" classList={{ "toast-error": t().error }} role="status" data-testid="toast">
          {t().text}
        </div>
      )}
    </Show>
  );
}

/** Run an action, report its result as a toast; returns whether it succeeded. */
export async function act(label: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    toast(label);
    return true;
  } catch (e) {
    toast(errorMessage(e), true);
    return false;
  }
}
