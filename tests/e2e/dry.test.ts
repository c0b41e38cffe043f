/**
 * `dagu dry` through the compiled binary: plan by levels, params and env resolved (CLI
 * overrides included), nothing executed, nothing stored; invalid DAGs fail with positions.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bin, ensureBuilt, repoRoot, Workspace } from "./harness.ts";

let ws: Workspace;
beforeAll(() => {
  ensureBuilt();
  ws = new Workspace("dry");
  writeFileSync(
    join(ws.dir, "etl.yaml"),
    `type: graph
params: "pos DAY=today K=default"
env:
  - BASE: /data
  - OUT_DIR: \${BASE}/out
  - STAMP: "\`echo computed\`"
steps:
  - name: extract
    command: echo extract \${DAY} \${K} $1 > \${OUT_DIR}/x
  - name: touch
    command: touch \${MARKER}
  - name: load
    command: echo load \${STAMP}
    depends: [extract, touch]
handlerOn:
  exit:
    command: echo done
`,
  );
});
afterAll(() => ws.remove());

test("prints params, env and the plan by levels with substituted commands", () => {
  const marker = join(ws.dir, "marker");
  const r = ws.run(bin, ["dry", "etl.yaml", "--", "P", "DAY=2026-01-01", "K=given"], {
    env: ws.env({ MARKER: marker }),
  });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const out = r.stdout;
  expect(out).toContain("$1 = P");
  expect(out).toContain("DAY = 2026-01-01");
  expect(out).toContain("K = given");
  expect(out).toContain("OUT_DIR = /data/out");
  expect(out).toContain("STAMP = computed");
  expect(out).toContain("Plan: 3 steps in 2 levels");
  expect(out).toMatch(/Level 1:\n {4}extract: echo extract 2026-01-01 given P > \/data\/out\/x\n {4}touch: touch /);
  expect(out).toMatch(/Level 2:\n {4}load: echo load computed {2}\(after extract, touch\)/);
  expect(out).toContain("onExit: echo done");
  // Nothing ran and nothing was recorded.
  expect(existsSync(marker)).toBe(false);
  expect(existsSync(join(ws.dir, "home", "data"))).toBe(false);
});

test("--params and -N work like Dagu's", () => {
  const r = ws.dagu("dry", "-N", "renamed", "--params", "x K=p", "etl.yaml");
  expect(r.code).toBe(0);
  expect(r.stdout).toStartWith("DAG renamed (");
  expect(r.stdout).toContain("K = p");
});

test("an invalid DAG fails with its problems and runs nothing", () => {
  writeFileSync(join(ws.dir, "bad.yaml"), "steps:\n  - name: a\n    command: echo\n    depends: missing\n");
  const r = ws.dagu("dry", "bad.yaml");
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('bad.yaml:4:14: steps[0].depends: step "a" depends on non-existent step "missing"');
});

test("every example DAG dry-runs", () => {
  for (const f of ["hello", "params", "graph", "handlers", "outputs", "subdag"]) {
    const r = ws.dagu("dry", join(repoRoot, "examples", `${f}.yaml`));
    expect({ f, code: r.code, err: r.stderr }).toEqual({ f, code: 0, err: "" });
  }
});
