/**
 * @module core/status
 * Run and step statuses with Dagu's integer codes (as stored in status.jsonl) and names (as
 * shown by the CLI and API). Code 5 means `queued` for a run but `skipped` for a step.
 */

export const RunStatus = {
  NotStarted: 0,
  Running: 1,
  Failed: 2,
  Aborted: 3,
  Succeeded: 4,
  Queued: 5,
  PartiallySucceeded: 6,
  Waiting: 7,
  Rejected: 8,
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const NodeStatus = {
  NotStarted: 0,
  Running: 1,
  Failed: 2,
  Aborted: 3,
  Succeeded: 4,
  Skipped: 5,
  PartiallySucceeded: 6,
  Waiting: 7,
  Rejected: 8,
} as const;
export type NodeStatus = (typeof NodeStatus)[keyof typeof NodeStatus];

const runNames: Readonly<Record<RunStatus, string>> = {
  0: "not_started",
  1: "running",
  2: "failed",
  3: "aborted",
  4: "succeeded",
  5: "queued",
  6: "partially_succeeded",
  7: "waiting",
  8: "rejected",
};

const nodeNames: Readonly<Record<NodeStatus, string>> = { ...runNames, 5: "skipped" };

export function runStatusName(s: RunStatus): string {
  return runNames[s];
}

export function nodeStatusName(s: NodeStatus): string {
  return nodeNames[s];
}

/** "partially_succeeded" → "Partially Succeeded", as Dagu's CLI prints statuses. */
export function titleCase(name: string): string {
  return name
    .split("_")
    .map((w) => (w ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join(" ");
}

export function parseRunStatus(name: string): RunStatus | undefined {
  const hit = Object.entries(runNames).find(([, n]) => n === name);
  return hit ? (Number(hit[0]) as RunStatus) : undefined;
}

/** A run that has ended and will not change any more (unless retried). */
export function isFinal(s: RunStatus): boolean {
  return s === RunStatus.Failed || s === RunStatus.Aborted || s === RunStatus.Succeeded || s === RunStatus.PartiallySucceeded || s === RunStatus.Rejected;
}
