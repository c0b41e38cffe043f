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
import { loadDag } from "../spec/loader.ts";
import { DaguError } from "../core/errors.ts";
import { goQuote } from "../core/param-syntax.ts";
import { jsonPath } from "../values/expand.ts";
import type { ExecContext, ExecResult, ExecRunContext, Executor } from "./executor.ts";
import { goJsonParse, goKeyCompare, goMarshal, type JsonValue } from "./go-json.ts";

const maxParallelItems = 1000;
const encoder = new TextEncoder();

interface Target {
  readonly file: string;
  readonly localName?: string;
}

/**
 * A `call:` target: a document of the same file, else a file as Dagu's DAG store finds it —
 * a name with a slash as a path first, then under the DAG's folder, the DAGs folder and the
 * working folder (Dagu's search paths; its order among them is a Go map's, so random: ours is
 * fixed). A name without `.yaml`/`.yml` gets one of them added, never used bare.
 */
export function resolveTarget(name: string, run: ExecRunContext): Target | undefined {
  if (run.localDags[name]) return { file: run.dagLocation, localName: name };
  const withExt = (p: string): string[] => (/\.ya?ml$/.test(p) ? [p] : [`${p}.yaml`, `${p}.yml`]);
  const bases = isAbsolute(name) ? [""] : [...(name.includes("/") ? [""] : []), run.dagLocation ? dirname(run.dagLocation) : "", run.paths.dagsDir, process.cwd()];
  for (const base of bases) {
    for (const candidate of withExt(base ? join(base, name) : name)) if (existsSync(candidate)) return { file: resolve(candidate) };
  }
  return undefined;
}

/** Go's encoding/json order for a map: keys sorted by their bytes. */
function sortedKeys<T>(o: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort(goKeyCompare)) out[k] = o[k] as T;
  return out;
}

/**
 * Dagu's JSON for one child run (its RunStatus): empty name, id and params are left out, and
 * the outputs are every `KEY=value` of the child's steps — Dagu's internal entries such as
 * `DAGU_CONTINUE_ON.<step>` included, as it does — keyed by the text before `=`.
 */
function childJson(record: RunRecord | undefined, runId: string, params: string, dagName: string): ChildJson {
  const outputs: Record<string, string> = {};
  for (const n of record?.nodes ?? []) {
    for (const v of Object.values(n.outputVariables ?? {})) {
      const eq = v.indexOf("=");
      if (eq >= 0) outputs[v.slice(0, eq)] = v.slice(eq + 1);
    }
  }
  const name = record?.name ?? dagName;
  const p = record?.params ?? params;
  return {
    ...(name ? { name } : {}),
    ...(runId ? { dagRunId: runId } : {}),
    ...(p ? { params: p } : {}),
    outputs: sortedKeys(outputs),
    status: record ? runStatusName(record.status) : "failed",
  };
}

interface ChildJson {
  readonly name?: string;
  readonly dagRunId?: string;
  readonly params?: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly status: string;
}

/** A child as the parent's record links it: Dagu leaves empty params out. */
const subRunRef = (dagRunId: string, params: string): SubRunRef => (params ? { dagRunId, params } : { dagRunId });

/**
 * Dagu's ParseSeparatedValues: a JSON array (items that are not strings as JSON text), a
 * JSON object as one item, else lines, else the most frequent of tab, `|`, `;`, `,`, else
 * `"quoted words"`, else words.
 */
export function parseSeparatedValues(value: string): string[] {
  const s = value.trim();
  if (s === "") return [];
  const json = goJsonParse(s);
  if (json.ok && (s.startsWith("[") || s.startsWith("{"))) {
    if (!Array.isArray(json.value)) return [s];
    return json.value.map((x) => (typeof x === "string" ? x : goMarshal(x)));
  }
  if (/[\n\r]/.test(s)) return s.split(/[\n\r]+/).map((l) => l.trim()).filter((l) => l !== "");
  const count = (c: string): number => s.split(c).length - 1;
  if (count('"') >= 2 && (s.startsWith('"') || s.endsWith('"') || s.includes('" ') || s.includes(' "'))) return quotedWords(s);
  let best = 0;
  let sep = "";
  for (const c of ["\t", "|", ";", ","]) {
    if (count(c) > best) {
      best = count(c);
      sep = c;
    }
  }
  if (sep !== "") return s.split(sep).map((x) => x.trim()).filter((x) => x !== "");
  if (json.ok) return [s];
  return s.split(/\s+/).filter((x) => x !== "");
}

/** `"item one" "item two" three`: quoted runs and bare words (an unclosed quote runs to the end). */
function quotedWords(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|"([^"]*)$|([^\s"]+)/g;
  for (const m of s.matchAll(re)) {
    const v = m[1] ?? m[2] ?? m[3] ?? "";
    // An empty pair of quotes is an empty item; an unclosed empty tail is nothing.
    if (m[1] !== undefined || v !== "") out.push(v);
  }
  return out;
}

/**
 * The parallel items as Dagu passes them on: a variable's value split by
 * {@link parseSeparatedValues}, or the literal items — a map item as JSON with its keys
 * sorted (Go's map order), an empty item skipped.
 */
export function parallelParams(p: ParallelConfig): string[] {
  if (p.variable !== undefined) return parseSeparatedValues(p.variable);
  const out: string[] = [];
  for (const i of p.items) {
    if (i.kind === "value") {
      if (i.value !== "") out.push(i.value);
    } else if (Object.keys(i.params).length > 0) out.push(goMarshal(i.params));
  }
  return out;
}

/**
 * `${ITEM}`, `$ITEM` and `${ITEM.key}` (a field of a JSON item) in the step's params, as
 * Dagu's EvalString does it: a reference alone in double quotes (`"${ITEM}"`, the form the
 * params are kept in) becomes a Go-quoted string, so an item holding quotes or JSON stays
 * one value; others are replaced as they are, inside single quotes too (Dagu's shell
 * expansion of the quoted params reaches them there).
 */
export function withItem(params: string, item: string): string {
  const value = (path: string | undefined): string | undefined => {
    if (!path) return item;
    let parsed: unknown;
    try {
      parsed = JSON.parse(item);
    } catch {
      return undefined;
    }
    const found = jsonPath(parsed, path);
    return found === undefined || found === null ? undefined : typeof found === "string" ? found : JSON.stringify(found);
  };
  const quoted = params.replace(/"\$\{ITEM((?:\.[^}]+)?)\}"/g, (m, path: string) => {
    const v = value(path);
    return v === undefined ? m : goQuote(v);
  });
  return quoted.replace(/\$\{ITEM((?:\.|\[)[^}]*)?\}|\$ITEM(?![A-Za-z0-9_])/g, (m, path: string | undefined) => value(path) ?? m);
}

interface ChildOutcome {
  readonly runId: string;
  readonly params: string;
  /** The child's final status; undefined when it left no record (it could not start). */
  readonly status?: RunStatus;
  readonly error: string;
  readonly json?: ChildJson;
}

const stdoutJson = (v: JsonValue): Uint8Array => encoder.encode(`${goMarshal(v, "  ", false)}\n`);

export class SubDagExecutor implements Executor {
  async run(ctx: ExecContext): Promise<ExecResult> {
    const { step, run } = ctx;
    const call = step.subDag;
    if (!call) return { ok: false, exitCode: 1, error: `step "${step.name}" has no call: target` };
    const target = resolveTarget(call.name, run);
    // Dagu's DAG store error, word for word.
    if (!target) return { ok: false, exitCode: 1, setupFailed: true, error: `failed to find DAG "${call.name}": failed to locate DAG ${call.name}: DAG ${call.name} not found: file does not exist` };
    // Dagu loads the called DAG before it starts anything: an invalid one fails the step
    // with no child run. (The parse is cached, so the child does not parse it again.)
    if (!target.localName) {
      try {
        await loadDag(target.file, { dagsDir: run.paths.dagsDir, baseConfig: run.paths.baseConfig });
      } catch (e) {
        if (!(e instanceof DaguError)) throw e;
        return { ok: false, exitCode: 1, setupFailed: true, error: `failed to find DAG "${call.name}": failed to load DAG ${call.name}: ${e.message}` };
      }
    }
    if (!step.parallel) {
      const runId = subRunId(run.runId, step.name, call.params);
      const children = [subRunRef(runId, call.params)];
      ctx.onSubRuns?.(children);
      const result = await this.one(ctx, target, runId, call.params);
      // Dagu prints `null` when it found no record of the child.
      ctx.stdout.write(stdoutJson(result.json ? toJson(result.json) : null));
      if (result.status === RunStatus.Succeeded) return { ok: true, children };
      if (result.status === RunStatus.PartiallySucceeded) return { ok: true, partial: true, children };
      return { ok: false, exitCode: 1, error: result.error, children };
    }
    const items = parallelParams(step.parallel);
    if (items.length === 0) return { ok: false, exitCode: 1, setupFailed: true, error: "parallel execution requires at least one item" };
    if (items.length > maxParallelItems) return { ok: false, exitCode: 1, setupFailed: true, error: `parallel execution exceeds maximum limit: ${items.length} items (max: ${maxParallelItems})` };
    // ${ITEM} in the step's params is the item; without params the item is the params.
    // Identical params give the same run id: Dagu runs those once. Dagu's order of the runs
    // is a Go map's (random); ours is the items' order.
    const paramSets = [...new Set(items.map((item) => (call.params ? withItem(call.params, item) : item)))];
    const planned = paramSets.map((params) => subRunRef(subRunId(run.runId, step.name, params), params));
    ctx.onSubRuns?.(planned);
    const results = await mapPool(planned, step.parallel.maxConcurrent, (c) => this.one(ctx, target, c.dagRunId, c.params ?? ""), ctx.signal);
    const finished = results.filter((r): r is ChildOutcome & { json: ChildJson; status: RunStatus } => r?.json !== undefined && r.status !== undefined);
    const good = finished.filter((r) => r.status === RunStatus.Succeeded || r.status === RunStatus.PartiallySucceeded);
    // Dagu counts only the children it found a record of as failed; its outputs list only
    // the children that succeeded.
    const summary = { total: paramSets.length, succeeded: good.length, failed: finished.length - good.length };
    ctx.stdout.write(stdoutJson({ summary, results: finished.map((r) => toJson(r.json)), outputs: good.map((r) => r.json.outputs) }));
    const children = planned;
    if (finished.length === 0) return { ok: false, exitCode: 1, error: "no results available for node status determination", children };
    const bad = finished.find((r) => r.status !== RunStatus.Succeeded && r.status !== RunStatus.PartiallySucceeded);
    // Dagu's wording (its status check runs after the children ended, "still in progress" or not).
    if (bad) return { ok: false, exitCode: 1, error: `sub DAG run ${bad.runId} is still in progress with status: ${runStatusName(bad.status)}`, children };
    const missing = results.find((r) => r !== undefined && r.json === undefined);
    if (missing) return { ok: false, exitCode: 1, error: missing.error, children };
    if (finished.length < planned.length) return { ok: false, exitCode: 1, error: "parallel execution cancelled", children };
    if (good.some((r) => r.status === RunStatus.PartiallySucceeded)) return { ok: true, partial: true, children };
    return { ok: true, children };
  }

  private async one(ctx: ExecContext, target: Target, runId: string, params: string): Promise<ChildOutcome> {
    const { run, step } = ctx;
    const child = await runChild({
      dagFile: target.file,
      ...(target.localName ? { localName: target.localName } : {}),
      runId,
      root: run.root,
      parent: { name: run.dagName, id: run.runId },
      params,
      workingDir: ctx.workingDir,
      paths: run.paths,
      signal: ctx.signal,
      stopSignal: ctx.stopSignal,
      killAfterMs: ctx.killAfterMs,
    });
    if (!child.record) {
      // Dagu says only "no result available"; the child's own complaint says why.
      const why = child.stderr.trim().split("\n").slice(-3).join(" ") || "no record was written";
      return { runId, params, error: `sub DAG run ${runId} did not start: ${why}` };
    }
    const status = child.record.status;
    const name = target.localName ?? step.subDag?.name ?? "";
    return { runId, params, status, error: `sub DAG run ${runId} failed with status: ${runStatusName(status)}`, json: childJson(child.record, runId, params, name) };
  }
}

/** A child's JSON as a plain JSON value, fields in Dagu's struct order. */
function toJson(j: ChildJson): JsonValue {
  return { ...j, outputs: { ...j.outputs } };
}
