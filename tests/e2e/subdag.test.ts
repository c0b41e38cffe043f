/**
 * Sub-DAGs through the compiled binary: `call:` of a local document and of a file, three
 * levels deep with params and outputs; `parallel:` over 100 items at most 8 at a time; child
 * records linked both ways; a stop of the parent stops the child; a retry of the parent
 * re-runs only the children that failed; the result JSON equals Dagu 1.30.2's.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunRecord } from "../../src/core/run-record.ts";
import { bin, ensureBuilt, refTool, Workspace } from "./harness.ts";

let ws: Workspace;
beforeAll(() => {
  ensureBuilt();
  ws = new Workspace("subdag");
});
afterAll(() => ws.remove());

function write(name: string, yaml: string): string {
  const p = join(ws.dir, name);
  writeFileSync(p, yaml);
  return p;
}

function record(name: string, runId: string): RunRecord {
  const r = ws.dagu("status", "--format", "json", "-r", runId, name);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as RunRecord;
}

const log = (path: string | undefined): string => (path && existsSync(path) ? readFileSync(path, "utf8") : "");

/** Every child run folder under a root run, with its newest record. */
function children(rootName: string, runId: string): RunRecord[] {
  const out: RunRecord[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory() && e.name.startsWith("child_")) {
        const attempts = readdirSync(p).filter((a) => a.startsWith("attempt_")).sort();
        const last = attempts[attempts.length - 1] as string;
        try {
          const lines = readFileSync(join(p, last, "status.jsonl"), "utf8").trim().split("\n");
          out.push({ ...(JSON.parse(lines[lines.length - 1] as string) as RunRecord), attemptsSeen: attempts.length } as RunRecord);
        } catch {
          // The attempt folder exists before its first record, or the record is half written.
        }
      } else if (e.isDirectory()) walk(p);
    }
  };
  const base = join(ws.dir, "home", "data", "dag-runs", rootName);
  if (existsSync(base)) walk(base);
  return out.filter((r) => r.root.id === runId);
}

describe("call", () => {
  test("three levels: params go down, outputs come back up", () => {
    write(
      "leaf.yaml",
      `params: "N=0"
steps:
  - name: compute
    command: echo "leaf-$N"
    output: LEAF
`,
    );
    write(
      "three.yaml",
      `params: "START=7"
steps:
  - name: top
    call: middle
    params: "M=\${START}"
    output: MID
  - name: report
    command: echo "\${MID.outputs.FROM_LEAF}"
---
name: middle
params: "M=1"
steps:
  - name: down
    call: leaf
    params: "N=\${M}"
    output: L
  - name: pass
    command: echo "\${L.outputs.LEAF}"
    output: FROM_LEAF
`,
    );
    const r = ws.dagu("start", "-q", "-r", "three1", "three.yaml");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const top = record("three", "three1");
    expect(top.status).toBe(4);
    expect(log(top.nodes[1]?.stdout)).toBe("leaf-7\n");
    const kids = children("three", "three1");
    expect(kids.map((k) => k.name).sort()).toEqual(["leaf", "middle"]);
    const middle = kids.find((k) => k.name === "middle") as RunRecord;
    const leaf = kids.find((k) => k.name === "leaf") as RunRecord;
    expect(middle.parent).toEqual({ name: "three", id: "three1" });
    expect(leaf.parent).toEqual({ name: "middle", id: middle.dagRunId });
    expect(leaf.root).toEqual({ name: "three", id: "three1" });
    expect(top.nodes[0]?.children?.[0]?.dagRunId).toBe(middle.dagRunId);
  });

  test("a failing child fails the step with the child's status; a child does not see the parent's env", () => {
    write("secret.yaml", 'steps:\n  - name: peek\n    command: sh -c \'echo "[$PARENT_ONLY]"; exit 3\'\n');
    write("caller.yaml", "env:\n  - PARENT_ONLY: visible-here\nsteps:\n  - name: c\n    call: secret\n");
    const r = ws.dagu("start", "-q", "-r", "caller1", "caller.yaml");
    expect(r.code).toBe(1);
    const rec = record("caller", "caller1");
    expect(rec.nodes[0]?.status).toBe(2);
    expect(rec.nodes[0]?.error).toContain("failed with status: failed");
    const [child] = children("caller", "caller1");
    expect(log(child?.nodes[0]?.stdout)).toBe("[]\n");
  });
});

describe("parallel", () => {
  test("100 items, at most 8 children at once, results aggregated", () => {
    const marks = join(ws.dir, "marks");
    write(
      "fan.yaml",
      `type: graph
steps:
  - name: fan
    call: item
    parallel:
      items: [${Array.from({ length: 100 }, (_, i) => i).join(", ")}]
      maxConcurrent: 8
    output: RES
  - name: total
    command: echo "\${RES.summary.total} \${RES.summary.succeeded}"
    depends: fan
---
name: item
steps:
  - name: mark
    command: sh -c 'echo start $(date +%s%N) >> ${marks}; sleep 0.05; echo end $(date +%s%N) >> ${marks}; echo item-$1'
    output: OUT
`,
    );
    const r = ws.dagu("start", "-q", "-r", "fan1", "fan.yaml");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rec = record("fan", "fan1");
    expect(log(rec.nodes[1]?.stdout)).toBe("100 100\n");
    expect(rec.nodes[0]?.children).toHaveLength(100);
    // Never more than 8 children's steps at the same time.
    const events = readFileSync(marks, "utf8").trim().split("\n").map((l) => l.split(" ") as [string, string]);
    events.sort((a, b) => Number(BigInt(a[1]) - BigInt(b[1])));
    let running = 0;
    let peak = 0;
    for (const [kind] of events) {
      running += kind === "start" ? 1 : -1;
      peak = Math.max(peak, running);
    }
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
  }, 60_000);
});

describe("stop and retry", () => {
  test("stopping the parent stops the running child", async () => {
    write("slowchild.yaml", "steps:\n  - name: wait\n    command: sleep 30\n");
    write("slowparent.yaml", "steps:\n  - name: c\n    call: slowchild\n");
    const owner = Bun.spawn([bin, "start", "-q", "-r", "sp1", "slowparent.yaml"], { cwd: ws.dir, env: ws.env() });
    const deadline = Date.now() + 10_000;
    while (children("slowparent", "sp1").length === 0 && Date.now() < deadline) await Bun.sleep(50);
    await Bun.sleep(300);
    expect(ws.dagu("stop", "slowparent").code).toBe(0);
    await owner.exited;
    expect(record("slowparent", "sp1").status).toBe(3);
    const [child] = children("slowparent", "sp1");
    expect(child?.status).toBe(3);
  }, 30_000);

  test("retrying the parent re-runs only the failed children", () => {
    const flag = join(ws.dir, "second-try");
    write("maybe.yaml", `params: "WHO=x"\nsteps:\n  - name: m\n    command: sh -c 'test "$WHO" != bad || test -f ${flag}'\n`);
    write("two.yaml", 'type: graph\nsteps:\n  - name: good\n    call: maybe\n    params: "WHO=good"\n  - name: bad\n    call: maybe\n    params: "WHO=bad"\n');
    expect(ws.dagu("start", "-q", "-r", "two1", "two.yaml").code).toBe(1);
    writeFileSync(flag, "");
    expect(ws.dagu("retry", "-r", "two1", "two.yaml").code).toBe(0);
    const kids = children("two", "two1") as (RunRecord & { attemptsSeen: number })[];
    const byParams = Object.fromEntries(kids.map((k) => [k.params, k]));
    expect(byParams["WHO=good"]?.attemptsSeen).toBe(1);
    expect(byParams["WHO=bad"]?.attemptsSeen).toBe(2);
    expect(byParams["WHO=bad"]?.status).toBe(4);
  });
});

test.skipIf(!existsSync(refTool))("the step's result JSON is Dagu's, field for field", () => {
  const yaml = 'steps:\n  - name: c\n    call: kid\n    params: "V=1"\n---\nname: kid\nparams: "V=0"\nsteps:\n  - name: k\n    command: echo "v$V"\n    output: RES\n';
  write("shape.yaml", yaml);
  const ours = ws.dagu("start", "-q", "-r", "shape1", "shape.yaml");
  expect(ours.code).toBe(0);
  const refHome = join(ws.dir, "refhome");
  const ref = Bun.spawnSync([refTool, "start", "-q", "shape.yaml"], { cwd: ws.dir, env: { ...process.env, DAGU_HOME: refHome } });
  expect(ref.exitCode).toBe(0);
  const refOut = Bun.spawnSync(["sh", "-c", `cat $(find ${refHome}/logs/shape -name 'c.*.out')`]).stdout.toString();
  const strip = (j: string): unknown => ({ ...(JSON.parse(j) as Record<string, unknown>), dagRunId: "<id>" });
  expect(strip(log(record("shape", "shape1").nodes[0]?.stdout))).toEqual(strip(refOut));
});
