/**
 * @module executors/executor
 * The one interface every step type implements. The engine resolves values, opens the log
 * files and owns timeouts and stop; an executor only runs the step and reports how it ended.
 */
import type { DaguPaths } from "../config/paths.ts";
import type { Dag, Step } from "../core/dag.ts";
import type { DagRunRef, SubRunRef } from "../core/run-record.ts";

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
  /** The run this step belongs to (sub-DAG steps start child runs under it). */
  readonly run: ExecRunContext;
  /**
   * Sub-DAG steps only: name the child runs before starting them, so the parent's record
   * links them while they run (as Dagu does), not only when the step ends.
   */
  readonly onSubRuns?: (children: readonly SubRunRef[]) => void;
}

export interface ExecRunContext {
  readonly dagName: string;
  readonly runId: string;
  readonly root: DagRunRef;
  /** The DAG file, for resolving `call:` targets next to it. */
  readonly dagLocation: string;
  readonly localDags: Readonly<Record<string, Dag>>;
  readonly paths: DaguPaths;
}

export interface OutputSink {
  write(chunk: Uint8Array): void;
}

/** How the step ended; sub-DAG steps also name their child runs. */
export type ExecResult =
  | { readonly ok: true; readonly partial?: boolean; readonly children?: readonly SubRunRef[] }
  | {
      readonly ok: false;
      readonly exitCode: number;
      readonly error: string;
      readonly children?: readonly SubRunRef[];
      /** The executor's own deadline passed (e.g. http `timeout`): Dagu records the step aborted. */
      readonly deadline?: boolean;
      /**
       * It failed before running anything (Dagu's executor set-up, e.g. a `call:` target that
       * does not load): Dagu captures no `output:` then, not even an empty one.
       */
      readonly setupFailed?: boolean;
    };

export interface Executor {
  run(ctx: ExecContext): Promise<ExecResult>;
}
