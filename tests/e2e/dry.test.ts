/**
 * `dagu dry` through the compiled binary: Dagu's tree summary of a run where nothing executes
 * (preconditions and dependencies still decide), equal to the reference's; `--plan` prints
 * the plan by levels with params and env resolved (CLI overrides included); nothing executed,
 * nothing stored; invalid DAGs fail with positions.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bin, ensureBuilt, refTool, repoRoot, Workspace } from "./harness.ts";

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

test("--plan prints params, env and the plan by levels with substituted commands", () => {
  const marker = join(ws.dir, "marker");
  const r = ws.run(bin, ["dry", "--plan", "etl.yaml", "--", "P", "DAY=2026-01-01", "K=given"], {
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
  const r = ws.dagu("dry", "--plan", "-N", "renamed", "--params", "x K=p", "etl.yaml");
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

const gated = `params: X=1
steps:
  - name: a
    command: echo hi $X
  - name: b
    script: |
      touch never-made
    preconditions:
      - condition: "no"
        expected: "yes"
  - name: c
    command: echo after b
`;

/** The tree without its first line's time. */
const untimed = (out: string): string => out.replace(/ - \d{4}-\d\d-\d\dT[\d:.]+Z$/m, " - T");

test("the default output is Dagu's summary of a run where nothing executes", () => {
  writeFileSync(join(ws.dir, "gated.yaml"), gated);
  const r = ws.dagu("dry", "-q", "gated.yaml");
  expect(r.code).toBe(0);
  expect(untimed(r.stdout)).toBe(
    ["Succeeded - T", "", "dag: gated (0s)", "│", "├─a [succeeded]", "│ └─echo hi $X", "│ ", "├─b [skipped]", "│ ", "└─c [skipped]", "", "Result: Succeeded", "", ""].join("\n"),
  );
  expect(existsSync(join(ws.dir, "never-made"))).toBe(false);
  expect(existsSync(join(ws.dir, "home", "data"))).toBe(false);
});

test.skipIf(!existsSync(refTool))("the summary equals the reference's", () => {
  writeFileSync(join(ws.dir, "gated.yaml"), gated);
  for (const f of ["gated.yaml", join(repoRoot, "examples", "handlers.yaml"), join(repoRoot, "examples", "graph.yaml")]) {
    const ours = ws.dagu("dry", f);
    const ref = ws.run(refTool, ["dry", f], { env: ws.env({ DAGU_HOME: join(ws.dir, "ref-home") }) });
    expect({ f, out: untimed(ours.stdout), code: ours.code }).toEqual({ f, out: untimed(ref.stdout), code: ref.code });
  }
});
