/**
 * @module engine/node-state
 * The mutable state of one step during a run, and its snapshot as a status.jsonl node.
 */
import type { Step } from "../core/dag.ts";
import type { NodeRecord, StepSnapshot, SubRunRef } from "../core/run-record.ts";
import { NodeStatus } from "../core/status.ts";

/** The step as Dagu records it (its JSON field names, empty fields left out). */
export function stepSnapshot(step: Step): StepSnapshot {
  const s: Record<string, unknown> = { name: step.name };
  const put = (k: string, v: unknown): void => {
    if (v === undefined || v === "" || v === false || (Array.isArray(v) && v.length === 0)) return;
    if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) return;
    s[k] = v;
  };
  put("id", step.id);
  put("description", step.description);
  put("dir", step.dir);
  put("executorConfig", step.executor.type || Object.keys(step.executor.config).length > 0 ? step.executor : undefined);
  put("commands", step.commands.map((c) => ({ command: c.command, ...(c.args.length > 0 ? { args: c.args } : {}), cmdWithArgs: c.cmdWithArgs })));
  put("script", step.script);
  put("shell", step.shell);
  put("stdout", step.stdout);
  put("stderr", step.stderr);
  put("output", step.output?.name);
  put("depends", step.depends);
  put("continueOn", Object.fromEntries(Object.entries(step.continueOn).filter(([, v]) => v !== false && !(Array.isArray(v) && v.length === 0))));
  put("retryPolicy", step.retryPolicy);
  put("repeatPolicy", step.repeatPolicy);
  put("preconditions", step.preconditions);
  put("signalOnStop", step.signalOnStop);
  put("call", step.subDag?.name);
  put("params", step.subDag?.params);
  put("env", step.env);
  put("timeoutSec", step.timeoutSec || undefined);
  return s as StepSnapshot;
}

export class NodeState {
  status: NodeStatus = NodeStatus.NotStarted;
  startedAt = "";
  finishedAt = "";
  error: string | undefined;
  exitCode = 0;
  retryCount = 0;
  doneCount = 0;
  retriedAt: string | undefined;
  repeated = false;
  stdoutPath = "";
  stderrPath = "";
  /** Child runs a sub-DAG step started. */
  children: readonly SubRunRef[] = [];
  /** Captured outputs: NAME → value. */
  readonly outputs = new Map<string, string>();
  /** Cached `continueOn` verdict for a failed node (Dagu's DAGU_CONTINUE_ON.<step>). */
  continueVerdict: boolean | undefined;
  /** The step as recorded: built on first use, from the substituted step once it ran. */
  private snapshot: StepSnapshot | undefined;
  private ranAs: Step;

  constructor(readonly step: Step) {
    this.ranAs = step;
  }

  /** Record the step as it ran (commands after substitution), as Dagu does. */
  setResolvedStep(step: Step): void {
    this.ranAs = step;
    this.snapshot = undefined;
  }

  get name(): string {
    return this.step.name;
  }

  isFailed(): boolean {
    return this.status === NodeStatus.Failed;
  }

  isDone(): boolean {
    return this.status !== NodeStatus.NotStarted && this.status !== NodeStatus.Running;
  }

  toRecord(): NodeRecord {
    const vars: Record<string, string> = {};
    for (const [k, v] of this.outputs) vars[k] = `${k}=${v}`;
    if (this.continueVerdict !== undefined) vars[`DAGU_CONTINUE_ON.${this.name}`] = `DAGU_CONTINUE_ON.${this.name}=${this.continueVerdict}`;
    // Go marshals this map with its keys sorted.
    const keys = Object.keys(vars);
    const outputVariables = keys.length > 1 ? Object.fromEntries(keys.sort().map((k) => [k, vars[k] as string])) : vars;
    return {
      step: (this.snapshot ??= stepSnapshot(this.ranAs)),
      stdout: this.stdoutPath,
      stderr: this.stderrPath,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      status: this.status,
      ...(this.retriedAt ? { retriedAt: this.retriedAt } : {}),
      ...(this.retryCount > 0 ? { retryCount: this.retryCount } : {}),
      ...(this.doneCount > 0 ? { doneCount: this.doneCount } : {}),
      ...(this.repeated ? { repeated: true } : {}),
      ...(this.error ? { error: this.error } : {}),
      ...(this.children.length > 0 ? { children: this.children } : {}),
      ...(keys.length > 0 ? { outputVariables } : {}),
      ...(this.startedAt ? { exitCode: this.exitCode } : {}),
    };
  }
}
