/**
 * @module ui/components/dag-step-details
 * The panel beside the DAG page's graph for the clicked step: what it runs (commands or
 * script, sub-DAG call, executor), its dependencies, and how it went in the latest run, with
 * a link to that run's page.
 */
import { A } from "@solidjs/router";
import { For, type JSX, Show } from "solid-js";
import type { Node, Step } from "../../../src/client/api-client.ts";
import { seg } from "../api.ts";
import { durationBetween, formatTime } from "../format.ts";
import { StatusBadge } from "./common.tsx";

function commandLine(c: { command: string; args?: string[] }): string {
  return [c.command, ...(c.args ?? [])].join(" ");
}

export function DagStepDetails(props: {
  step: Step;
  node?: Node;
  /** DAG name and run id of the latest run, when there is one. */
  run?: { name: string; dagRunId: string };
  onClose: () => void;
  onSelect: (name: string) => void;
}): JSX.Element {
  const executor = (): string | undefined => props.step.executorConfig?.type;
  return (
    <aside class="card dag-step-details" data-testid="step-details">
      <div class="row">
        <h2 class="dag-step-title">{props.step.name}</h2>
        <span class="spacer" />
        <button class="icon-btn" aria-label="Close step details" onClick={() => props.onClose()}>
          ×
        </button>
      </div>
      <Show when={props.step.description}>
        <p class="muted dag-step-desc">{props.step.description}</p>
      </Show>
      <dl class="dag-dl">
        <Show when={props.node}>
          {(n) => (
            <>
              <dt>Latest run</dt>
              <dd class="row">
                <StatusBadge code={n().status} kind="step" />
                <Show when={n().startedAt && n().startedAt !== "-"}>
                  <span class="muted">{durationBetween(n().startedAt, n().finishedAt)}</span>
                </Show>
              </dd>
              <Show when={n().startedAt && n().startedAt !== "-"}>
                <dt>Started</dt>
                <dd>{formatTime(n().startedAt)}</dd>
              </Show>
              <Show when={n().error}>
                <dt>Error</dt>
                <dd class="dag-step-error">{n().error}</dd>
              </Show>
            </>
          )}
        </Show>
        <Show when={executor()}>
          <dt>Executor</dt>
          <dd class="mono">{executor()}</dd>
        </Show>
        <Show when={props.step.call}>
          <dt>Calls</dt>
          <dd>
            <A href={`/dags/${seg(props.step.call ?? "")}`}>{props.step.call}</A>
            <Show when={props.step.params}>
              <span class="muted mono"> {props.step.params}</span>
            </Show>
          </dd>
        </Show>
        <Show when={(props.step.commands ?? []).length > 0}>
          <dt>Command</dt>
          <dd>
            <pre class="dag-code" data-testid="step-command">
              {(props.step.commands ?? []).map(commandLine).join("\n")}
            </pre>
          </dd>
        </Show>
        <Show when={props.step.script}>
          <dt>Script</dt>
          <dd>
            <pre class="dag-code">{props.step.script}</pre>
          </dd>
        </Show>
        <Show when={props.step.dir}>
          <dt>Directory</dt>
          <dd class="mono">{props.step.dir}</dd>
        </Show>
        <dt>Depends on</dt>
        <dd class="row" data-testid="step-depends">
          <Show when={(props.step.depends ?? []).length > 0} fallback={<span class="muted">nothing</span>}>
            <For each={props.step.depends ?? []}>
              {(d) => (
                <button class="tag" onClick={() => props.onSelect(d)}>
                  {d}
                </button>
              )}
            </For>
          </Show>
        </dd>
        <Show when={props.step.output}>
          <dt>Output</dt>
          <dd class="mono">{props.step.output}</dd>
        </Show>
      </dl>
      <Show when={props.run}>
        {(r) => (
          <A class="btn" data-testid="step-run-link" href={`/dag-runs/${seg(r().name)}/${seg(r().dagRunId)}`}>
            Open latest run →
          </A>
        )}
      </Show>
    </aside>
  );
}
