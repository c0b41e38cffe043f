/**
 * @module executors/dag
 * `call:` a sub-DAG (types `dag`, `subworkflow`) or fan one out over items (`parallel`):
 * each child is a real run of its own (runs/child-run.ts) linked to this one — named to the
 * engine before it starts, so the parent's record links it while it runs. The step's
 * stdout is Dagu's JSON of the result — `{name, dagRunId, params, outputs, status}`, or for
 * parallel `{summary, results, outputs}` — so `output: R` gives `${R.outputs.X}`.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { ParallelConfig } from "../core/dag.ts";
import { mapPool } from "../core/map-pool.ts";
import type { RunRecord, SubRunRef } from "../core/run-record.ts";
import { RunStatus, runStatusName } from "../core/status.ts";
import { runChild, subRunId } from "../runs/child-run.ts";
import type { ExecContext, ExecResult, ExecRunContext, Executor } from "./executor.ts";

const maxParallelItems = 1000;
const encoder = new TextEncoder();

interface Target {
  readonly file: string;
  readonly localName?: string;
}

/** A `call:` target: a document of the same file, then a file next to the DAG, then the DAGs folder. */
export function resolveTarget(name: string, run: ExecRunContext): Target | undefined {
  if (run.localDags[name]) return { file: run.dagLocation, localName: name };
  const withExt = (p: string): string[] => (/\.ya?ml$/.test(p) ? [p] : [p, `${p}.yaml`, `${p}.yml`]);
  const bases = isAbsolute(name) ? [""] : [run.dagLocation ? dirname(run.dagLocation) : process.cwd(), run.paths.dagsDir];
  for (const base of bases) {
    for (const candidate of withExt(base ? join(base, name) : name)) if (existsSync(candidate)) return { file: resolve(candidate) };
  }
  return undefined;
}

/** Dagu's JSON for one child run. */
function childJson(record: RunRecord | undefined, runId: string, params: string, dagName: string): Record<string, unknown> {
  const outputs: Record<string, string> = {};
  for (const n of record?.nodes ?? []) {
    for (const [k, v] of Object.entries(n.outputVariables ?? {})) if (!k.startsWith("DAGU_")) outputs[k] = v.slice(v.indexOf("=") + 1);
  }
  return {
    name: record?.name ?? dagName,
    dagRunId: runId,
    params: record?.params ?? params,
    outputs,
    status: record ? runStatusName(record.status) : "failed",
  };
}

/** The parallel items as child params: a variable holding a JSON array or a list of words, or literal items. */
export function parallelParams(p: ParallelConfig): string[] {
  if (p.variable !== undefined) {
    const text = p.variable.trim();
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
    } catch {
      // Not JSON: a list of words.
    }
    return text.split(/[\s,]+/).filter((x) => x !== "");
  }
  return p.items.map((i) => (i.kind === "value" ? i.value : JSON.stringify(i.params)));
}

export class SubDagExecutor implements Executor {
  async run(ctx: ExecContext): Promise<ExecResult> {
    const { step, run } = ctx;
    const call = step.subDag;
    if (!call) return { ok: false, exitCode: 1, error: `step "${step.name}" has no call: target` };
    const target = resolveTarget(call.name, run);
    if (!target) return { ok: false, exitCode: 1, error: `sub-DAG "${call.name}" not found (looked next to ${run.dagLocation || "the working dir"} and in ${run.paths.dagsDir})` };
    if (!step.parallel) {
      const runId = subRunId(run.runId, step.name, call.params);
      ctx.onSubRuns?.([{ dagRunId: runId, params: call.params }]);
      const result = await this.one(ctx, target, runId, call.params);
      ctx.stdout.write(encoder.encode(`${JSON.stringify(result.json, null, 2)}\n`));
      const children: SubRunRef[] = [{ dagRunId: result.runId, params: call.params }];
      if (result.status === RunStatus.Succeeded) return { ok: true, children };
      if (result.status === RunStatus.PartiallySucceeded) return { ok: true, partial: true, children };
      return { ok: false, exitCode: 1, error: result.error, children };
    }
    const items = parallelParams(step.parallel);
    if (items.length === 0) return { ok: false, exitCode: 1, error: "parallel execution requires at least one item" };
    if (items.length > maxParallelItems) return { ok: false, exitCode: 1, error: `parallel execution exceeds maximum limit: ${items.length} items (max: ${maxParallelItems})` };
    // ${ITEM} in the step's params is the item; without params the item is the params.
    const paramSets = [...new Set(items.map((item) => (call.params ? call.params.replaceAll("${ITEM}", item).replaceAll("$ITEM", item) : item)))];
    const planned = paramSets.map((params) => ({ dagRunId: subRunId(run.runId, step.name, params), params }));
    ctx.onSubRuns?.(planned);
    const results = await mapPool(planned, step.parallel.maxConcurrent, (c) => this.one(ctx, target, c.dagRunId, c.params), ctx.signal);
    const finished = results.filter((r) => r !== undefined);
    const succeeded = finished.filter((r) => r.status === RunStatus.Succeeded || r.status === RunStatus.PartiallySucceeded).length;
    const summary = { total: paramSets.length, succeeded, failed: paramSets.length - succeeded };
    const json = { summary, results: finished.map((r) => r.json), outputs: finished.map((r) => r.json.outputs) };
    ctx.stdout.write(encoder.encode(`${JSON.stringify(json, null, 2)}\n`));
    const children = finished.map((r) => ({ dagRunId: r.runId, params: r.params }));
    if (summary.failed === 0) return { ok: true, children };
    return { ok: false, exitCode: 1, error: `parallel execution failed: ${summary.failed} of ${summary.total} sub-DAG runs did not succeed`, children };
  }

  private async one(ctx: ExecContext, target: Target, runId: string, params: string) {
    const { run, step } = ctx;
    const child = await runChild({
      dagFile: target.file,
      ...(target.localName ? { localName: target.localName } : {}),
      runId,
      root: run.root,
      parent: { name: run.dagName, id: run.runId },
      params,
      paths: run.paths,
      signal: ctx.signal,
      stopSignal: ctx.stopSignal,
      killAfterMs: ctx.killAfterMs,
    });
    const status = child.record?.status ?? RunStatus.Failed;
    const name = target.localName ?? step.subDag?.name ?? "";
    const error = child.record
      ? `sub DAG run ${runId} failed with status: ${runStatusName(status)}`
      : `sub DAG run ${runId} did not start: ${child.stderr.trim().split("\n").slice(-3).join(" ") || "no record was written"}`;
    return { runId, params, status, error, json: childJson(child.record, runId, params, name) };
  }
}
