/**
 * @module executors/executor
 * The one interface every step type implements. The engine resolves values, opens the log
 * files and owns timeouts and stop; an executor only runs the step and reports how it ended.
 */
import type { Step } from "../core/dag.ts";

export interface ExecContext {
  /** The step with its commands and script already substituted. */
  readonly step: Step;
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  /** Shell program and arguments (e.g. `["/bin/bash"]`); empty runs commands directly. */
  readonly shell: readonly string[];
  /** The step itself set `shell:`; then Dagu adds no `-e`. */
  readonly shellFromStep: boolean;
  /** Where the step's output goes (log files, copies, capture: the engine decides). */
  readonly stdout: OutputSink;
  readonly stderr: OutputSink;
  /** Aborted on stop or timeout; the executor must end its work promptly. */
  readonly signal: AbortSignal;
  /** Signal sent on stop (`signalOnStop`, default SIGTERM). */
  readonly stopSignal: NodeJS.Signals;
  /** Grace period after the stop signal before SIGKILL. */
  readonly killAfterMs: number;
}

export interface OutputSink {
  write(chunk: Uint8Array): void;
}

export type ExecResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly exitCode: number; readonly error: string };

export interface Executor {
  run(ctx: ExecContext): Promise<ExecResult>;
}
