/**
 * @module executors/router
 * The `router` step of Dagu v2: the routing itself happens in the graph (spec/router-spec.ts
 * gives every target the router as dependency and a "value matches pattern" precondition);
 * the step only prints its evaluation, as v2 does: `Router evaluating: <value>` and one
 * `  <pattern> -> [target target]` line per route in priority order.
 */
import { routerOf } from "../spec/router-spec.ts";
import type { ExecContext, ExecResult, Executor } from "./executor.ts";

export class RouterExecutor implements Executor {
  async run(ctx: ExecContext): Promise<ExecResult> {
    const router = routerOf(ctx.step);
    if (!router) return { ok: true };
    let text = `Router evaluating: ${router.value}\n`;
    for (const r of router.routes) text += `  ${r.pattern} -> [${r.targets.join(" ")}]\n`;
    ctx.stdout.write(new TextEncoder().encode(text));
    return { ok: true };
  }
}
