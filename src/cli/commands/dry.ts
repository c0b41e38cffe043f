/**
 * @module cli/commands/dry
 * `dagu dry FILE [-- PARAMS]`: walk the run as Dagu's dry run does (params, env,
 * preconditions and dependencies evaluated; no step executes, each that would run succeeds)
 * and print Dagu's tree summary; nothing is stored. `--plan` prints our plan instead: graph
 * levels in order and what each step would run after substitution. (Backticks in params and
 * env are evaluated, as a real run would.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolvePaths } from "../../config/paths.ts";
import type { Dag, Step } from "../../core/dag.ts";
import { handlerStepName, type HandlerKind } from "../../core/dag.ts";
import { UsageError } from "../../core/errors.ts";
import { planLevels } from "../../core/step-graph.ts";
import { loadDag } from "../../spec/loader.ts";
import { resolveDagValues } from "../../values/dag-values.ts";
import { chainLookup, expandVariables, type VarLookup } from "../../values/expand.ts";
import { runDag } from "../../engine/run-dag.ts";
import { FileRunStore } from "../../store/file-run-store.ts";
import { defineCommand, globalFlags } from "../command.ts";
import { paramOverrides } from "../common-flags.ts";
import { renderRunTree } from "../run-tree.ts";

/** Dagu's dry run: the engine in dry mode over a scratch store, deleted afterwards. */
async function dryRunTree(dag: Dag, overrides: readonly string[], paths: ReturnType<typeof resolvePaths>): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), "dagu-dry-"));
  try {
    const record = await runDag({
      dag,
      runId: Bun.randomUUIDv7(),
      store: new FileRunStore(join(scratch, "dag-runs"), join(scratch, "logs")),
      paths,
      paramOverrides: overrides,
      processEnv: process.env,
      stop: new AbortController().signal,
      generatedRunId: true,
      dry: true,
    });
    // Nothing ran: no step has times, and the run took no time (Dagu prints `(0s)`).
    const nodes = record.nodes.map((n) => ({ ...n, startedAt: "", finishedAt: "" }));
    return renderRunTree({ ...record, nodes, finishedAt: record.startedAt }, { color: process.stdout.isTTY === true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function describeStep(step: Step, lookup: VarLookup): string[] {
  const x = (s: string): string => expandVariables(s, lookup);
  const lines: string[] = [];
  const type = step.executor.type;
  if (step.subDag) {
    const how = step.parallel ? ` for each of ${step.parallel.variable ? x(step.parallel.variable) : `${step.parallel.items.length} items`} (max ${step.parallel.maxConcurrent} at once)` : "";
    lines.push(`call ${step.subDag.name}${step.subDag.params ? ` with ${x(step.subDag.params)}` : ""}${how}`);
  }
  for (const c of step.commands) lines.push(`${type && type !== "command" && type !== "shell" ? `[${type}] ` : ""}${x(c.cmdWithArgs)}`);
  if (step.script) {
    const script = x(step.script).split("\n");
    lines.push(`script (${script.length} line${script.length === 1 ? "" : "s"}): ${script[0]}${script.length > 1 ? " …" : ""}`);
  }
  if (lines.length === 0 && type) lines.push(`[${type}]`);
  return lines;
}

function stepNotes(step: Step): string {
  const notes: string[] = [];
  if (step.depends.length > 0) notes.push(`after ${step.depends.join(", ")}`);
  if (step.preconditions.length > 0) notes.push(`${step.preconditions.length} precondition${step.preconditions.length === 1 ? "" : "s"}`);
  if (step.retryPolicy) notes.push(`retry ${step.retryPolicy.limit}×`);
  if (step.repeatPolicy) notes.push(`repeat ${step.repeatPolicy.mode}`);
  if (step.output) notes.push(`output → ${step.output.name}`);
  if (step.timeoutSec > 0) notes.push(`timeout ${step.timeoutSec}s`);
  if (step.continueOn.failure || step.continueOn.skipped || step.continueOn.exitCode.length > 0 || step.continueOn.output.length > 0) notes.push("continueOn");
  return notes.length > 0 ? `  (${notes.join("; ")})` : "";
}

export function formatPlan(dag: Dag, values: ReturnType<typeof resolveDagValues>, processEnv: NodeJS.ProcessEnv): string {
  const lookup = chainLookup(values.paramVars, new Map(values.env), processEnv as Record<string, string | undefined>);
  const out: string[] = [`DAG ${dag.name} (${dag.location})`];
  if (values.params.length > 0) {
    out.push("Params:");
    for (const p of values.params) out.push(`  ${p.positional ? `$${p.name}` : p.name} = ${p.value}`);
  }
  if (values.env.length > 0) {
    out.push("Env:");
    for (const [k, v] of values.env) out.push(`  ${k} = ${v}`);
  }
  const levels = planLevels(dag.steps);
  const byName = new Map(dag.steps.map((s) => [s.name, s] as const));
  out.push(`Plan: ${dag.steps.length} step${dag.steps.length === 1 ? "" : "s"} in ${levels.length} level${levels.length === 1 ? "" : "s"}${dag.maxActiveSteps > 0 ? `, at most ${dag.maxActiveSteps} at once` : ""}`);
  levels.forEach((level, i) => {
    out.push(`  Level ${i + 1}:`);
    for (const name of level) {
      const step = byName.get(name) as Step;
      const stepLookup = chainLookup(new Map(step.env.map((e) => [e.slice(0, e.indexOf("=")), expandVariables(e.slice(e.indexOf("=") + 1), lookup)])), lookup);
      const [first = "", ...more] = describeStep(step, stepLookup);
      out.push(`    ${name}: ${first}${stepNotes(step)}`);
      for (const m of more) out.push(`    ${" ".repeat(name.length)}  ${m}`);
    }
  });
  const handlers = (Object.keys(dag.handlerOn) as HandlerKind[]).filter((k) => dag.handlerOn[k]);
  if (handlers.length > 0) {
    out.push("Handlers:");
    for (const k of handlers) out.push(`  ${handlerStepName[k]}: ${describeStep(dag.handlerOn[k] as Step, lookup).join("; ")}`);
  }
  out.push("Dry run: no step was executed and nothing was recorded.");
  return `${out.join("\n")}\n`;
}

export default defineCommand({
  name: "dry",
  usage: "dagu dry [flags] <DAG definition> [-- param1 param2 ...]",
  description: `Perform a dry-run simulation of a DAG-run without executing any real actions.

This command loads and validates the DAG, resolves its parameters and environment, evaluates
preconditions and dependencies as a run would without executing any step, and prints the
summary. With --plan it prints the execution plan instead: the levels of the graph in order
and what each step would run after substitution. Parameters after the "--" separator are
passed as execution parameters (either positional or key=value pairs), allowing you to test
different parameter configurations.

Example:
  dagu dry my_dag.yaml -- P1=foo P2=bar`,
  flags: {
    ...globalFlags,
    plan: { type: "boolean", description: "Print the plan (graph levels and substituted commands) instead of Dagu's tree summary" },
    name: { type: "string", short: "N", description: "Override the DAG name (default: name from DAG definition or filename)" },
    params: {
      type: "string",
      short: "p",
      description: "Parameters to pass to the dag-run (overrides DAG defaults; supports positional values and key=value pairs, e.g., P1=foo P2=bar)",
    },
  },
  async run({ flags, args, rest }) {
    const [file] = args;
    if (file === undefined || args.length > 1) throw new UsageError(`accepts 1 arg(s), received ${args.length}`);
    const paths = resolvePaths(flags["dagu-home"]);
    const dag = await loadDag(file, { dagsDir: paths.dagsDir, baseConfig: paths.baseConfig, ...(flags.name ? { name: flags.name } : {}) });
    const overrides = paramOverrides(flags.params, rest);
    if (!flags.plan) {
      // Dagu prints the summary even with -q, and one more newline after it.
      process.stdout.write(`${await dryRunTree(dag, overrides, paths)}\n`);
      return 0;
    }
    const values = resolveDagValues(dag, overrides);
    process.stdout.write(formatPlan(dag, values, process.env));
    return 0;
  },
});
