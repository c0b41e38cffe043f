/**
 * @module store/run-store
 * The one interface every role uses to record and read runs. The file implementation is
 * store/file-run-store.ts; another backend (SQLite, Postgres) implements the same interface.
 */
import type { DagRunRef, RunRecord } from "../core/run-record.ts";

/** One attempt being written by its owner process. */
export interface AttemptWriter {
  readonly dagName: string;
  readonly runId: string;
  readonly attemptId: string;
  readonly attemptDir: string;
  /** Where this attempt's step logs go. */
  readonly stepLogDir: string;
  /** The run's main log file (`DAG_RUN_LOG_FILE`). */
  readonly runLogFile: string;
  /**
   * Append a snapshot (the caller decides how often; durable on `close`). Returns why it could
   * not be written (a full disk), or undefined: the run goes on, the file keeps its last good line.
   */
  update(record: RunRecord): string | undefined;
  /** Final snapshot, written durably. */
  close(final: RunRecord): void;
  /** The DAG as resolved for this attempt (`dag.json`). */
  writeDag(dag: unknown): void;
  /** `outputs.json`. */
  writeOutputs(outputs: unknown): void;
}

/** A stored run (all its attempts). */
export interface StoredRun {
  readonly dagName: string;
  readonly runId: string;
  readonly runDir: string;
  readonly createdAt: Date;
}

export interface CreateRunOptions {
  /** Check that the id is new (user-chosen ids); generated ones are unique by construction. */
  readonly checkUnique?: boolean;
  /** A sub-DAG run: stored under this root run (`…/children/child_<id>`), as Dagu does. */
  readonly root?: DagRunRef;
  /** The DAG's own `logDir:` (absolute), instead of the configured logs folder. */
  readonly logDir?: string;
}

export interface ListRunsOptions {
  readonly limit?: number;
}

export interface RunStore {
  /**
   * A new run with its first attempt. With `checkUnique`, fails if the run id exists for
   * this DAG (user-chosen ids); generated ids are unique by construction and skip the scan.
   */
  createRun(dagName: string, runId: string, at: Date, opts?: CreateRunOptions): AttemptWriter;
  /** A sub-DAG run stored under its root run, or undefined. */
  findChildRun(root: DagRunRef, dagName: string, runId: string): StoredRun | undefined;
  /** A new attempt of an existing run (retry). */
  createAttempt(run: StoredRun, at: Date, opts?: { readonly logDir?: string }): AttemptWriter;
  findRun(dagName: string, runId: string): StoredRun | undefined;
  /** Newest first, reading folder names only (no record is parsed). */
  listRuns(dagName: string, opts?: ListRunsOptions): StoredRun[];
  /** The current snapshot of a run's newest attempt; undefined if none is readable. */
  readLatest(run: StoredRun): RunRecord | undefined;
  /**
   * True when the run's newest attempt surely ended (its record was compacted to a final
   * snapshot), decided from the first bytes of the record; false means "read it to know".
   * Lets a scan over many runs (the zombie sweep) skip parsing finished ones.
   */
  surelyFinished(run: StoredRun): boolean;
  /** Path of the newest attempt's folder (for dag.json, outputs.json). */
  latestAttemptDir(run: StoredRun): string | undefined;
  removeRun(run: StoredRun): void;
  /**
   * Append a corrected snapshot to a run's newest attempt (the zombie sweeper records a run
   * whose owner died as failed). The writer of that attempt is gone, so nothing races it.
   */
  appendRecord(run: StoredRun, record: RunRecord): void;
  /**
   * Take a queued attempt for exactly one starter (or dequeuer): true for the first caller,
   * false for every later one, across processes. A queued run is started at most once.
   */
  claimAttempt(run: StoredRun, attemptId: string): boolean;
  /** Hide an attempt from every reader, as Dagu does with a dequeued one (`.attempt_…`). */
  hideAttempt(run: StoredRun, attemptId: string): void;
}

export class RunExistsError extends Error {
  override readonly name = "RunExistsError";
}
