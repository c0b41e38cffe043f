/**
 * @module core/run-record
 * The status snapshot of one run attempt, in Dagu's status.jsonl shape (same keys, integer
 * statuses, RFC 3339 times), so existing Dagu homes stay readable and ours stay readable by
 * Dagu. We add `exitCode` per node (Dagu does not store it; its readers ignore extra keys).
 */
import type { NodeStatus, RunStatus } from "./status.ts";

export interface DagRunRef {
  readonly name: string;
  readonly id: string;
}

/** The step as recorded (Dagu's JSON of the step; we read back only these fields). */
export interface StepSnapshot {
  readonly name: string;
  readonly id?: string;
  readonly description?: string;
  readonly dir?: string;
  readonly commands?: readonly { readonly command: string; readonly args?: readonly string[]; readonly cmdWithArgs?: string }[];
  readonly script?: string;
  readonly depends?: readonly string[];
  readonly output?: string;
  readonly executorConfig?: { readonly type?: string; readonly config?: Readonly<Record<string, unknown>> };
  readonly call?: string;
  readonly params?: string;
  readonly [extra: string]: unknown;
}

export interface SubRunRef {
  readonly dagRunId: string;
  readonly params?: string;
}

export interface NodeRecord {
  readonly step: StepSnapshot;
  readonly stdout: string;
  readonly stderr: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly status: NodeStatus;
  readonly retriedAt?: string;
  readonly retryCount?: number;
  readonly doneCount?: number;
  readonly repeated?: boolean;
  readonly error?: string;
  readonly children?: readonly SubRunRef[];
  /** `NAME: "NAME=value"` as Dagu stores outputs (plus internal `DAGU_*` cache entries). */
  readonly outputVariables?: Readonly<Record<string, string>>;
  readonly exitCode?: number;
}

export type HandlerRecordKey = "onInit" | "onExit" | "onSuccess" | "onFailure" | "onCancel" | "onWait";

export interface RunRecord {
  readonly root: DagRunRef;
  readonly parent?: DagRunRef;
  readonly name: string;
  readonly dagRunId: string;
  readonly attemptId: string;
  readonly status: RunStatus;
  readonly workerId: string;
  readonly pid: number;
  readonly nodes: readonly NodeRecord[];
  readonly onInit?: NodeRecord;
  readonly onExit?: NodeRecord;
  readonly onSuccess?: NodeRecord;
  readonly onFailure?: NodeRecord;
  readonly onCancel?: NodeRecord;
  readonly onWait?: NodeRecord;
  /** Unix milliseconds when this snapshot was made. */
  readonly createdAt: number;
  readonly queuedAt?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly log: string;
  readonly error?: string;
  readonly params?: string;
  readonly paramsList?: readonly string[];
}

export const handlerRecordKeys: readonly HandlerRecordKey[] = ["onInit", "onSuccess", "onFailure", "onCancel", "onWait", "onExit"];

/** RFC 3339 in UTC with milliseconds (Go's time.Parse(RFC3339) reads the fraction). */
export function formatTime(d: Date): string {
  return d.toISOString();
}
