import { describe, expect, test } from "bun:test";
import type { Dag, Step } from "../../src/core/dag.ts";
import { RouterExecutor } from "../../src/executors/router.ts";
import { parseDagText } from "../../src/spec/dag-text.ts";
import { sortRoutes } from "../../src/spec/router-spec.ts";
import { fakeContext } from "./exec-context.ts";

const file = "/dags/router.yaml";

function ok(yaml: string): Dag {
  const r = parseDagText(yaml, file);
  if (!r.dag) throw new Error(r.issues.map((i) => `${i.line}:${i.col} ${i.field}: ${i.message}`).join("\n"));
  return r.dag;
}

function problems(yaml: string): string[] {
  const r = parseDagText(yaml, file);
  expect(r.dag).toBeUndefined();
  return r.issues.map((i) => `${i.line}:${i.col} ${i.field}: ${i.message}`);
}

const step = (d: Dag, name: string): Step => d.steps.find((s) => s.name === name) as Step;

const basic = `
type: graph
env:
  - INPUT: exact_value
steps:
  - name: router
    type: router
    value: \${INPUT}
    routes:
      "re:.*": [catch_all]
      "other": [route_b]
      "exact_value": [route_a, route_c]
      "re:^ex": [regex_step]
  - name: route_a
    command: echo A
  - name: route_b
    command: echo B
    depends: [route_a]
  - name: route_c
    command: echo C
  - name: catch_all
    command: echo all
  - name: regex_step
    command: echo re
`;

describe("router spec (v2)", () => {
  test("routes sorted exact first, regex next, catch-all last", () => {
    const d = ok(basic);
    const cfg = step(d, "router").executor.config;
    expect(cfg.value).toBe("${INPUT}");
    expect((cfg.routes as { pattern: string }[]).map((r) => r.pattern)).toEqual(["exact_value", "other", "re:^ex", "re:.*"]);
    expect(sortRoutes([{ pattern: "re:.*", targets: [] }, { pattern: "b", targets: [] }, { pattern: "re:a", targets: [] }, { pattern: "a", targets: [] }]).map((r) => r.pattern)).toEqual(["a", "b", "re:a", "re:.*"]);
  });

  test("targets get the router as dependency, a value~pattern precondition and continueOn.skipped", () => {
    const d = ok(basic);
    const a = step(d, "route_a");
    expect(a.depends).toEqual(["router"]);
    expect(a.preconditions).toEqual([{ condition: "${INPUT}", expected: "exact_value", negate: false }]);
    expect(a.continueOn.skipped).toBe(true);
    const b = step(d, "route_b");
    expect(b.depends).toEqual(["route_a", "router"]);
    expect(b.preconditions[0]?.expected).toBe("other");
    expect(step(d, "catch_all").preconditions[0]?.expected).toBe("re:.*");
    expect(step(d, "router").continueOn.skipped).toBe(true);
    expect(step(d, "router").depends).toEqual([]);
  });

  test("router needs type: graph", () => {
    expect(problems("steps:\n  - name: r\n    type: router\n    value: x\n    routes:\n      a: [t]\n  - name: t\n    command: echo\n").join("\n")).toContain(
      "router steps require type 'graph'",
    );
  });

  test("unknown target, duplicate target, missing value and routes", () => {
    const p = problems(`
type: graph
steps:
  - name: r
    type: router
    value: x
    routes:
      a: [t, nope]
      b: [t]
  - name: r2
    type: router
  - name: t
    command: echo
`).join("\n");
    expect(p).toContain(`router "r" references non-existent step "nope"`);
    expect(p).toContain(`step "t" is targeted by multiple routes ("a" and "b")`);
    expect(p).toContain("router step requires 'value' field");
    expect(p).toContain("router step requires at least one route");
  });

  test("bad route shapes", () => {
    const p = problems(`
type: graph
steps:
  - name: r
    type: router
    value: x
    routes:
      a: t
      b: []
      "re:(": [t]
      c: [""]
  - name: t
    command: echo
`).join("\n");
    expect(p).toContain(`route pattern "a" must map to a list of step names`);
    expect(p).toContain(`route pattern "b" has no targets`);
    expect(p).toContain("invalid regular expression");
    expect(p).toContain(`route pattern "c" has empty target`);
  });

  test("value/routes/with are unknown keys on other steps (1.30 verdicts unchanged)", () => {
    const p = problems("steps:\n  - name: a\n    command: echo\n    value: 1\n    routes: {}\n    with: {}\n").join("\n");
    expect(p).toContain('4:5 steps[0].value: unknown key "value"');
    expect(p).toContain('5:5 steps[0].routes: unknown key "routes"');
    expect(p).toContain('6:5 steps[0].with: unknown key "with"');
  });

  test("router accepts no command or script", () => {
    const p = problems("type: graph\nsteps:\n  - name: r\n    type: router\n    command: echo\n    value: x\n    routes:\n      a: [t]\n  - name: t\n    command: echo\n").join("\n");
    expect(p).toContain('executor type "router" does not support the command field');
  });
});

describe("router executor", () => {
  test("prints the evaluation like v2", async () => {
    const d = ok(basic);
    const r = step(d, "router");
    const run = fakeContext({ type: "router", config: r.executor.config }, "/tmp");
    expect(await new RouterExecutor().run(run.ctx)).toEqual({ ok: true });
    expect(run.out()).toBe("Router evaluating: ${INPUT}\n  exact_value -> [route_a route_c]\n  other -> [route_b]\n  re:^ex -> [regex_step]\n  re:.* -> [catch_all]\n");
  });
});
