/**
 * @module engine/conditions
 * Preconditions and repeat conditions, as Dagu evaluates them: without `expected`, the
 * condition is a shell command and exit 0 means met; with `expected`, the condition is
 * evaluated (variables, then backticks) and must equal a whole line of it, or for `re:`
 * match any line. `negate` inverts the result.
 */
import type { Condition } from "../core/dag.ts";
import { substituteCommands } from "../values/command-substitution.ts";
import { expandVariables, type StepRefLookup, type VarLookup } from "../values/expand.ts";

export type ConditionResult = { readonly met: true } | { readonly met: false; readonly reason: string };

/** Line-wise match used by preconditions and `continueOn.output`: literal = whole line or substring per `exact`. */
export function matchesPattern(text: string, pattern: string, exact: boolean): boolean {
  const lines = text.split("\n");
  if (pattern.startsWith("re:")) {
    let re: RegExp;
    try {
      re = new RegExp(pattern.slice(3));
    } catch {
      return false;
    }
    return lines.some((l) => re.test(l));
  }
  return exact ? lines.some((l) => l === pattern) || text === pattern : lines.some((l) => l.includes(pattern));
}

export interface ConditionContext {
  readonly shell: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly lookup: VarLookup;
  /** `${id.exitCode}` and friends of earlier steps (step and repeat conditions). */
  readonly stepRef?: StepRefLookup;
}

async function evalOne(c: Condition, ctx: ConditionContext): Promise<ConditionResult> {
  if (c.expected !== "") {
    let value: string;
    try {
      value = substituteCommands(expandVariables(c.condition, ctx.lookup, ctx.stepRef), ctx.env);
    } catch (e) {
      return { met: false, reason: `failed to evaluate the value: ${(e as Error).message}` };
    }
    return matchesPattern(value, c.expected, true) ? { met: true } : { met: false, reason: `expected "${c.expected}", got "${value}"` };
  }
  const command = expandVariables(c.condition, ctx.lookup, ctx.stepRef);
  const [sh = "sh", ...args] = ctx.shell;
  const p = Bun.spawn([sh, ...args, "-c", command], { cwd: ctx.cwd, env: ctx.env as Record<string, string>, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  const code = await p.exited;
  return code === 0 ? { met: true } : { met: false, reason: `${command}: exit status ${code}` };
}

export async function evalCondition(c: Condition, ctx: ConditionContext): Promise<ConditionResult> {
  const r = await evalOne(c, ctx);
  if (!c.negate) return r;
  return r.met ? { met: false, reason: "condition matched but negate is true" } : { met: true };
}

/** All must be met; the first unmet one is reported. */
export async function evalConditions(conds: readonly Condition[], ctx: ConditionContext): Promise<ConditionResult> {
  for (const c of conds) {
    const r = await evalCondition(c, ctx);
    if (!r.met) return r;
  }
  return { met: true };
}
