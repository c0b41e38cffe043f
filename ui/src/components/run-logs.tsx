/**
 * @module ui/components/run-logs
 * The log panel of a run page: the selected step's stdout and stderr, and the run's own log
 * (what the scheduler wrote about it), as tabs over one log viewer.
 */
import { For, type JSX, Show } from "solid-js";
import { LogViewer } from "./log-viewer.tsx";
import { type LogStream, type RunRef, runLogSource, stepLogSource } from "./run-ref.ts";

export type LogTab = LogStream | "run";

export function RunLogs(props: {
  run: RunRef;
  /** The run's real id (the path may say `latest`). */
  id: string;
  step?: string;
  tab: LogTab;
  onTab: (tab: LogTab) => void;
  running: boolean;
}): JSX.Element {
  const tab = (): LogTab => (props.step ? props.tab : "run");
  const tabs = (): { id: LogTab; label: string }[] => [
    ...(props.step
      ? [
          { id: "stdout" as const, label: "stdout" },
          { id: "stderr" as const, label: "stderr" },
        ]
      : []),
    { id: "run", label: "Run log" },
  ];
  const source = () => {
    const t = tab();
    return t === "run" || !props.step ? runLogSource(props.run, props.id) : stepLogSource(props.run, props.id, props.step, t);
  };
  return (
    <div class="card run-logs" data-testid="run-logs">
      <div class="run-logs-head">
        <h2>
          Logs
          <Show when={props.step}>
            {(s) => (
              <>
                {" "}
                · <span class="mono" data-testid="run-log-step">{s()}</span>
              </>
            )}
          </Show>
        </h2>
        <Show when={!props.step}>
          <span class="muted">Select a step to see its output.</span>
        </Show>
      </div>
      <div class="tabs run-log-tabs" role="tablist">
        <For each={tabs()}>
          {(t) => (
            <button type="button" role="tab" aria-selected={tab() === t.id} classList={{ active: tab() === t.id }} data-testid={`log-tab-${t.id}`} onClick={() => props.onTab(t.id)}>
              {t.label}
            </button>
          )}
        </For>
      </div>
      <LogViewer source={source()} running={props.running} />
    </div>
  );
}
