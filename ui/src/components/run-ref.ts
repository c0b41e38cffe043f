/**
 * @module ui/components/run-ref
 * Which run a run page shows: a root run (`/dag-runs/<name>/<id>`) or one of its sub-DAG
 * runs (`/dag-runs/<root name>/<root id>?subDAGRunId=<id>`, Dagu's own URL form: sub runs
 * are stored under their root, so the API addresses them through it). Also the page links
 * and the log sources of such a run.
 */
import type { DAGRunDetails, Node } from "../../../src/client/api-client.ts";
import { api, seg } from "../api.ts";
import type { LogSource } from "./log-viewer.tsx";

export type { DAGRunDetails, Node };

export interface RunRef {
  /** Root run's DAG name and id (the path of the page). */
  readonly name: string;
  readonly id: string;
  /** A sub-DAG run under that root. */
  readonly sub?: string;
}

export type LogStream = "stdout" | "stderr";

/** App path of a run page. */
export function runPath(name: string, id: string, sub?: string): string {
  return `/dag-runs/${seg(name)}/${seg(id)}${sub ? `?subDAGRunId=${seg(sub)}` : ""}`;
}

/** App path of the run that started this one, when it is a sub-DAG run. */
export function parentPath(d: DAGRunDetails): string | undefined {
  if (!d.parentDAGRunId || !d.parentDAGRunName) return undefined;
  if (d.parentDAGRunId === d.rootDAGRunId) return runPath(d.rootDAGRunName, d.rootDAGRunId);
  return runPath(d.rootDAGRunName, d.rootDAGRunId, d.parentDAGRunId);
}

export async function fetchRun(ref: RunRef): Promise<DAGRunDetails> {
  const r = ref.sub ? await api.getSubDAGRunDetails(ref.name, ref.id, ref.sub) : await api.getDAGRunDetails(ref.name, ref.id);
  return r.dagRunDetails;
}

/** Steps then lifecycle handlers, each with the label the steps table shows. */
export function allNodes(d: DAGRunDetails): { node: Node; handler?: string }[] {
  const out: { node: Node; handler?: string }[] = d.nodes.map((node) => ({ node }));
  const handlers: [string, Node | undefined][] = [
    ["onSuccess", d.onSuccess],
    ["onFailure", d.onFailure],
    ["onCancel", d.onCancel],
    ["onExit", d.onExit],
  ];
  for (const [handler, node] of handlers) if (node) out.push({ node, handler });
  return out;
}

/**
 * A step's stdout or stderr. Root runs are streamed by the server; sub runs are polled.
 * `id` is the run's real id (not `latest`).
 */
export function stepLogSource(ref: RunRef, id: string, step: string, stream: LogStream): LogSource {
  const base = {
    key: `${ref.name}/${id}/${ref.sub ?? ""}/${step}/${stream}`,
    fileName: `${step}.${stream}.log`,
  };
  if (ref.sub) {
    const sub = ref.sub;
    return { ...base, read: (q) => api.getSubDAGRunStepLog(ref.name, ref.id, sub, step, { ...q, stream }) };
  }
  return {
    ...base,
    read: (q) => api.getDAGRunStepLog(ref.name, id, step, { ...q, stream }),
    live: `/events/dag-runs/${seg(ref.name)}/${seg(id)}/steps/${seg(step)}/log`,
    liveQuery: { stream },
  };
}

/** The run's own log (the scheduler's lines about it). */
export function runLogSource(ref: RunRef, id: string): LogSource {
  const base = { key: `${ref.name}/${id}/${ref.sub ?? ""}/run-log`, fileName: `${ref.sub ?? id}.run.log` };
  if (ref.sub) {
    const sub = ref.sub;
    return { ...base, read: (q) => api.getSubDAGRunLog(ref.name, ref.id, sub, q) };
  }
  return { ...base, read: (q) => api.getDAGRunLog(ref.name, id, q), live: `/events/dag-runs/${seg(ref.name)}/${seg(id)}/log` };
}
