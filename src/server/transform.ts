/**
 * @module server/transform
 * Our domain objects → Dagu 1.30's API shapes (api/v2/api.yaml: DAG, DAGDetails, Step,
 * DAGRunSummary, DAGRunDetails, Node). Dagu's handlers drop zero values (`ptrOf`), so an
 * optional field is present only when it has a value; required fields are always present.
 */
import type { Condition, Dag, Step } from "../core/dag.ts";
import type { NodeRecord, RunRecord, StepSnapshot } from "../core/run-record.ts";
import { NodeStatus, nodeStatusName, type RunStatus, runStatusName } from "../core/status.ts";

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Keep a value only if Go would not consider it zero. */
function put(o: JsonObject, key: string, v: Json | undefined): void {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return;
  if (Array.isArray(v) && v.length === 0) return;
  o[key] = v;
}

function condition(c: Condition): JsonObject {
  const o: JsonObject = { condition: c.condition };
  put(o, "expected", c.expected);
  put(o, "negate", c.negate ?? false);
  return o;
}

function paramsList(dag: Dag): string[] {
  return dag.params.map((p) => (p.positional ? p.value : `${p.name}=${p.value}`));
}

/** `DAG`: the summary in DAG lists and search results. */
export function toDagSummary(dag: Dag): JsonObject {
  const o: JsonObject = { name: dag.name };
  put(o, "group", dag.group);
  put(o, "description", dag.description);
  put(o, "params", paramsList(dag));
  put(o, "defaultParams", dag.defaultParams);
  put(o, "tags", [...dag.tags]);
  put(
    o,
    "schedule",
    dag.schedule.map((s) => ({ expression: s.expression })),
  );
  return o;
}

export function toStep(s: Step): JsonObject {
  const o: JsonObject = { name: s.name };
  put(o, "id", s.id);
  put(o, "description", s.description);
  put(o, "dir", s.dir);
  put(
    o,
    "commands",
    s.commands.map((c) => ({ command: c.command, args: [...c.args] })),
  );
  put(o, "script", s.script);
  put(o, "output", s.output?.name);
  put(o, "depends", [...s.depends]);
  put(o, "mailOnError", s.mailOnError);
  put(o, "preconditions", s.preconditions.map(condition));
  put(o, "timeoutSec", s.timeoutSec);
  if (s.subDag) {
    put(o, "call", s.subDag.name);
    put(o, "params", s.subDag.params);
  }
  o["executorConfig"] = { ...(s.executor.type ? { type: s.executor.type } : {}), config: s.executor.config as JsonObject };
  return o;
}

/** `DAGDetails`. */
export function toDagDetails(dag: Dag, opts: { readonly asLoaded?: boolean } = {}): JsonObject {
  const o: JsonObject = { name: dag.name };
  put(o, "group", dag.group);
  put(o, "description", dag.description);
  put(o, "defaultParams", dag.defaultParams);
  put(o, "delay", dag.delaySec);
  put(o, "env", [...dag.env]);
  const handlerOn: JsonObject = {};
  if (dag.handlerOn.failure) handlerOn["failure"] = toStep(dag.handlerOn.failure);
  if (dag.handlerOn.success) handlerOn["success"] = toStep(dag.handlerOn.success);
  if (dag.handlerOn.abort) handlerOn["cancel"] = toStep(dag.handlerOn.abort);
  if (dag.handlerOn.exit) handlerOn["exit"] = toStep(dag.handlerOn.exit);
  if (Object.keys(handlerOn).length > 0) o["handlerOn"] = handlerOn;
  // Dagu fills histRetentionDays only when it loads a DAG to run or show it, not for a spec.
  if (opts.asLoaded !== false) put(o, "histRetentionDays", dag.histRetentionDays);
  put(o, "logDir", dag.logDir);
  put(o, "maxActiveRuns", dag.maxActiveRuns);
  put(o, "maxActiveSteps", dag.maxActiveSteps);
  put(o, "params", paramsList(dag));
  put(o, "preconditions", dag.preconditions.map(condition));
  put(
    o,
    "schedule",
    dag.schedule.map((s) => ({ expression: s.expression })),
  );
  put(o, "steps", dag.steps.map(toStep));
  put(o, "tags", [...dag.tags]);
  put(o, "queue", dag.queue);
  if (dag.runConfig) o["runConfig"] = { disableParamEdit: dag.runConfig.disableParamEdit, disableRunIdEdit: dag.runConfig.disableRunIdEdit };
  return o;
}

/** A step as recorded in a run (status.jsonl) → API `Step`. */
function snapshotStep(s: StepSnapshot): JsonObject {
  const o: JsonObject = { name: s.name };
  put(o, "id", s.id);
  put(o, "description", s.description);
  put(o, "dir", s.dir);
  put(
    o,
    "commands",
    (s.commands ?? []).map((c) => ({ command: c.command, args: [...(c.args ?? [])] })),
  );
  put(o, "script", s.script);
  put(o, "output", s.output);
  put(o, "depends", [...(s.depends ?? [])]);
  put(o, "call", s.call);
  put(o, "params", s.params);
  const ex = s.executorConfig;
  if (ex?.type) o["executorConfig"] = { type: ex.type, ...(ex.config && Object.keys(ex.config).length > 0 ? { config: ex.config as JsonObject } : {}) };
  return o;
}

/** Step states after which the recorded exit code is the step's (skipped/rejected steps ran nothing). */
const endedNodeStates: ReadonlySet<number> = new Set<number>([NodeStatus.Succeeded, NodeStatus.Failed, NodeStatus.Aborted, NodeStatus.PartiallySucceeded]);

export function toNode(n: NodeRecord): JsonObject {
  const o: JsonObject = {
    step: snapshotStep(n.step),
    stdout: n.stdout,
    stderr: n.stderr,
    startedAt: n.startedAt,
    finishedAt: n.finishedAt,
    status: n.status,
    statusLabel: nodeStatusName(n.status as NodeStatus),
    retryCount: n.retryCount ?? 0,
    doneCount: n.doneCount ?? 0,
  };
  put(o, "error", n.error);
  // Ours: Dagu's API has no exit code. Only once the step has ended (a running one records 0).
  if (n.exitCode !== undefined && endedNodeStates.has(n.status)) o["exitCode"] = n.exitCode;
  put(
    o,
    "subRuns",
    (n.children ?? []).map((c): JsonObject => (c.params ? { dagRunId: c.dagRunId, params: c.params } : { dagRunId: c.dagRunId })),
  );
  return o;
}

/**
 * How stale a list view may be for changes made by other processes (runs started by the
 * scheduler or the CLI, DAG files edited by hand): list endpoints reuse folder listings and
 * records proven current within this time instead of re-checking thousands of files.
 */
export const listMaxAgeMs = 1000;

const summaries = new WeakMap<RunRecord, JsonObject>();

/** `DAGRunSummary` of a cached record, built once (callers must not mutate it). */
export function cachedSummary(r: RunRecord): JsonObject {
  let s = summaries.get(r);
  if (!s) {
    s = toRunSummary(r);
    summaries.set(r, s);
  }
  return s;
}

/** `DAGRunSummary`. */
export function toRunSummary(r: RunRecord): JsonObject {
  const o: JsonObject = {
    rootDAGRunName: r.root?.name ?? r.name,
    rootDAGRunId: r.root?.id ?? r.dagRunId,
    dagRunId: r.dagRunId,
    name: r.name,
    status: r.status,
    statusLabel: runStatusName(r.status as RunStatus),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    log: r.log,
  };
  put(o, "parentDAGRunName", r.parent?.name);
  put(o, "parentDAGRunId", r.parent?.id);
  put(o, "queuedAt", r.queuedAt);
  put(o, "params", r.params);
  put(o, "workerId", r.workerId);
  return o;
}

/** `DAGRunDetails`: the summary plus nodes, handler nodes and preconditions. */
export function toRunDetails(r: RunRecord): JsonObject {
  const o = toRunSummary(r);
  delete o["queuedAt"];
  o["nodes"] = r.nodes.map(toNode);
  if (r.onExit) o["onExit"] = toNode(r.onExit);
  if (r.onSuccess) o["onSuccess"] = toNode(r.onSuccess);
  if (r.onFailure) o["onFailure"] = toNode(r.onFailure);
  if (r.onCancel) o["onCancel"] = toNode(r.onCancel);
  o["preconditions"] = [];
  return o;
}

/** A DAG that has never run: Dagu shows an empty `not_started` summary. */
export function emptyRunSummary(dag: Dag | undefined, name: string): JsonObject {
  const o: JsonObject = {
    rootDAGRunName: "",
    rootDAGRunId: "",
    dagRunId: "",
    name,
    status: 0,
    statusLabel: "not_started",
    startedAt: "",
    finishedAt: "",
    log: "",
  };
  if (dag) put(o, "params", paramsList(dag).join(" "));
  return o;
}

/** The details of a DAG that has never run: its steps as not-started nodes. */
export function emptyRunDetails(dag: Dag | undefined, name: string): JsonObject {
  const o = emptyRunSummary(dag, name);
  delete o["params"];
  o["nodes"] = (dag?.steps ?? []).map((s) => ({
    step: toStep(s),
    stdout: "",
    stderr: "",
    startedAt: "-",
    finishedAt: "-",
    status: 0,
    statusLabel: "not_started",
    retryCount: 0,
    doneCount: 0,
  }));
  o["preconditions"] = [];
  return o;
}
