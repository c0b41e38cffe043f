/**
 * @module values/dag-values
 * Resolve a DAG's params and env before a run (or a dry run), as Dagu does: params, each
 * default seeing the params before it, then CLI overrides; `env:` entries in order, each
 * seeing earlier entries and the invoking environment (not params). Backticks are executed.
 */
import type { Dag, ParamPair } from "../core/dag.ts";
import { overrideParams, parseParamString, type RawParam } from "../core/param-syntax.ts";
import { substituteCommands } from "./command-substitution.ts";
import { chainLookup, expandAll } from "./expand.ts";
import { expandTilde } from "./tilde.ts";

export interface ResolvedValues {
  readonly params: readonly ParamPair[];
  /** Named and positional params ("1", "2", … for positional), as step variables. */
  readonly paramVars: ReadonlyMap<string, string>;
  /** Evaluated DAG env entries in order. */
  readonly env: readonly (readonly [string, string])[];
}

function evaluate(value: string, vars: ReadonlyMap<string, string>, processEnv: NodeJS.ProcessEnv): string {
  // Unknown names become empty (os.ExpandEnv), so `${DAG_NAME}` in a param is "": params are
  // resolved before the run's special variables exist.
  const expanded = expandAll(value, chainLookup(vars, processEnv as Record<string, string | undefined>));
  return expandTilde(substituteCommands(expanded, Object.fromEntries(vars)), processEnv);
}

function evaluatePairs(pairs: readonly ParamPair[], processEnv: NodeJS.ProcessEnv): ParamPair[] {
  const acc = new Map<string, string>();
  return pairs.map((p, i) => {
    const value = evaluate(p.value, acc, processEnv);
    acc.set(String(i + 1), p.positional ? value : `${p.name}=${value}`);
    if (!p.positional) acc.set(p.name, value);
    return { ...p, value };
  });
}

/** `overrides` are the CLI's `--params` string and `-- A=1 b` arguments, each tokenised. */
export function resolveDagValues(dag: Dag, overrides: readonly string[], processEnv: NodeJS.ProcessEnv = process.env): ResolvedValues {
  let params = evaluatePairs(dag.params, processEnv);
  if (overrides.length > 0) {
    const raw: RawParam[] = overrides.flatMap(parseParamString);
    const evaluated = evaluatePairs(
      raw.map((r, i) => ({ name: r.name || String(i + 1), value: r.value, positional: r.name === "" })),
      processEnv,
    );
    params = overrideParams(params, evaluated.map((p) => ({ name: p.positional ? "" : p.name, value: p.value })));
  }
  // Dagu evaluates `env:` before params, so env values see earlier env entries and the
  // invoking environment only; unknown names become empty, as with os.ExpandEnv.
  const envVars = new Map<string, string>();
  const env: [string, string][] = [];
  for (const entry of dag.env) {
    const eq = entry.indexOf("=");
    const key = entry.slice(0, eq);
    const expanded = expandAll(entry.slice(eq + 1), chainLookup(envVars, processEnv as Record<string, string | undefined>));
    const value = expandTilde(substituteCommands(expanded, Object.fromEntries(envVars)), processEnv);
    envVars.set(key, value);
    env.push([key, value]);
  }
  const paramVars = new Map<string, string>();
  for (const p of params) paramVars.set(p.name, p.value);
  return { params, paramVars, env };
}
