/**
 * `dagu start` and the run lifecycle through the compiled binary, on the hard cases: the
 * owner killed with SIGKILL mid-run (status says failed, retry finishes the run), two
 * concurrent starts of one DAG, a 1,000-step DAG, 50 MB of stdout, non-UTF-8 and
 * stderr-only output, a missing shell, an unusable working dir, stop from another process.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunRecord } from "../../src/core/run-record.ts";
import { bin, ensureBuilt, Workspace } from "./harness.ts";

let ws: Workspace;
beforeAll(() => {
  ensureBuilt();
  ws = new Workspace("lifecycle");
});
afterAll(() => ws.remove());

function dag(name: string, yaml: string): string {
  const path = join(ws.dir, `${name}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

function statusJson(name: string, runId?: string): RunRecord {
  const r = ws.dagu("status", "--format", "json", ...(runId ? ["-r", runId] : []), name);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as RunRecord;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await sleep(50);
  }
}

function pidsOf(pattern: string): number[] {
  const r = Bun.spawnSync(["pgrep", "-f", pattern]);
  return r.stdout.toString().split("\n").filter(Boolean).map(Number);
}

describe("the owner dies", () => {
  test("kill -9 mid-run: status reports failed, retry re-runs what did not finish", async () => {
    const marker = join(ws.dir, "second-pass");
    dag("victim", `steps:
  - name: first
    command: echo first
    output: FIRST
  - name: slow
    command: sh -c 'test -f ${marker} || sleep 30'
  - name: last
    command: echo "last got \${FIRST}"
`);
    const owner = Bun.spawn([bin, "start", "-q", "-r", "killed1", "victim.yaml"], { cwd: ws.dir, env: ws.env(), stdout: "ignore", stderr: "ignore" });
    await waitFor(() => pidsOf("sleep 30").length > 0 && existsSync(join(ws.dir, "home")));
    await sleep(100);
    owner.kill("SIGKILL");
    await owner.exited;
    const rec = statusJson("victim", "killed1");
    expect(rec.status).toBe(2);
    expect(rec.error).toContain("is gone");
    expect(rec.nodes.map((n) => n.status)).toEqual([4, 2, 0]);
    // The orphaned step's process group is still the user's problem only until we retry/clean:
    for (const pid of pidsOf("sleep 30")) process.kill(pid, "SIGKILL");
    writeFileSync(marker, "");
    const retry = ws.dagu("retry", "-r", "killed1", "victim.yaml");
    expect(retry.code).toBe(0);
    const after = statusJson("victim", "killed1");
    expect(after.status).toBe(4);
    expect(after.nodes.map((n) => n.status)).toEqual([4, 4, 4]);
    expect(readFileSync(after.nodes[2]?.stdout as string, "utf8")).toBe("last got first\n");
  }, 30_000);

  test("a torn last line in status.jsonl is skipped, never fatal", () => {
    dag("torn", "steps:\n  - echo ok\n");
    expect(ws.dagu("start", "-q", "-r", "torn1", "torn.yaml").code).toBe(0);
    const find = (dir: string): string | undefined => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          const hit = find(p);
          if (hit) return hit;
        } else if (e.name === "status.jsonl" && p.includes("torn1")) return p;
      }
      return undefined;
    };
    const file = find(join(ws.dir, "home", "data")) as string;
    writeFileSync(file, `${readFileSync(file, "utf8")}{"name":"torn","dagRunId":"torn1","sta`);
    const r = ws.dagu("status", "-r", "torn1", "torn");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Result: Succeeded");
  });
});

describe("scale and output", () => {
  test("two concurrent starts of the same DAG both complete with their own records", async () => {
    dag("twice", "steps:\n  - sleep 0.3\n  - echo done\n");
    const a = Bun.spawn([bin, "start", "-q", "-r", "conc-a", "twice.yaml"], { cwd: ws.dir, env: ws.env() });
    const b = Bun.spawn([bin, "start", "-q", "-r", "conc-b", "twice.yaml"], { cwd: ws.dir, env: ws.env() });
    expect([await a.exited, await b.exited]).toEqual([0, 0]);
    expect(statusJson("twice", "conc-a").status).toBe(4);
    expect(statusJson("twice", "conc-b").status).toBe(4);
  });

  test("a 1,000-step DAG completes", () => {
    const steps = Array.from({ length: 1000 }, (_, i) => `  - name: s${i}\n    command: "true"`).join("\n");
    dag("thousand", `type: graph\nmaxActiveSteps: 16\nsteps:\n${steps}\n`);
    const r = ws.dagu("start", "-q", "-r", "k1", "thousand.yaml");
    expect(r.code).toBe(0);
    const rec = statusJson("thousand", "k1");
    expect(rec.nodes).toHaveLength(1000);
    expect(rec.nodes.every((n) => n.status === 4)).toBe(true);
  }, 60_000);

  test("50 MB of stdout is logged whole without the owner growing with it", async () => {
    dag("big", "steps:\n  - name: flood\n    command: head -c 52428800 /dev/zero | tr '\\\\0' 'x'\n");
    const p = Bun.spawn([bin, "start", "-q", "-r", "big1", "big.yaml"], { cwd: ws.dir, env: ws.env() });
    let peakKb = 0;
    while (p.exitCode === null) {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, "utf8"));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // Exited between checks.
      }
      await sleep(20);
    }
    expect(await p.exited).toBe(0);
    const rec = statusJson("big", "big1");
    expect(statSync(rec.nodes[0]?.stdout as string).size).toBe(52428800);
    expect(peakKb).toBeLessThan(150 * 1024);
  }, 60_000);

  test("non-UTF-8 bytes and stderr-only output are logged as they are", () => {
    dag("bytes", "steps:\n  - name: raw\n    command: printf '\\377\\376ok'\n  - name: err\n    command: echo only-stderr >&2\n");
    expect(ws.dagu("start", "-q", "-r", "b1", "bytes.yaml").code).toBe(0);
    const rec = statusJson("bytes", "b1");
    expect([...readFileSync(rec.nodes[0]?.stdout as string)]).toEqual([0xff, 0xfe, 0x6f, 0x6b]);
    // A stream that got no bytes has no log file (readers treat it as empty).
    expect(existsSync(rec.nodes[1]?.stdout as string)).toBe(false);
    expect(readFileSync(rec.nodes[1]?.stderr as string, "utf8")).toBe("only-stderr\n");
  });
});

describe("broken environments fail the step clearly and are recorded", () => {
  test("a missing shell", () => {
    dag("noshell", "steps:\n  - name: a\n    shell: /nonexistent/sh\n    command: echo hi\n");
    const r = ws.dagu("start", "-r", "ns1", "noshell.yaml");
    expect(r.code).toBe(1);
    const rec = statusJson("noshell", "ns1");
    expect(rec.status).toBe(2);
    expect(rec.nodes[0]?.error).toContain('"/nonexistent/sh": executable file not found');
  });

  test("a working dir that cannot be created", () => {
    writeFileSync(join(ws.dir, "a-file"), "");
    dag("nodir", `steps:\n  - name: a\n    dir: ${join(ws.dir, "a-file", "sub")}\n    command: echo hi\n`);
    const r = ws.dagu("start", "-r", "nd1", "nodir.yaml");
    expect(r.code).toBe(1);
    const rec = statusJson("nodir", "nd1");
    expect(rec.nodes[0]?.status).toBe(2);
    expect(rec.nodes[0]?.error).toContain("failed to create working directory");
  });
});

describe("stop from another process", () => {
  test("stops the steps, runs the abort and exit handlers, records aborted", async () => {
    dag("stoppable", "steps:\n  - name: long\n    command: sleep 30\nhandlerOn:\n  abort:\n    command: echo on-abort\n  exit:\n    command: echo on-exit\n");
    const owner = Bun.spawn([bin, "start", "-q", "-r", "st1", "stoppable.yaml"], { cwd: ws.dir, env: ws.env() });
    await waitFor(() => pidsOf("sleep 30").length > 0);
    const r = ws.dagu("stop", "stoppable");
    expect(r.code).toBe(0);
    expect(await owner.exited).toBe(0);
    const rec = statusJson("stoppable", "st1");
    expect(rec.status).toBe(3);
    expect(rec.nodes[0]?.status).toBe(3);
    expect(readFileSync(rec.onCancel?.stdout as string, "utf8")).toBe("on-abort\n");
    expect(readFileSync(rec.onExit?.stdout as string, "utf8")).toBe("on-exit\n");
    expect(pidsOf("sleep 30")).toEqual([]);
  }, 30_000);
});
