/**
 * @module tests/e2e/status
 * `dagu status` and `dagu history` through the compiled binary, over a DAGU_HOME filled by the
 * REFERENCE Dagu 1.30.2's own `dagu start` runs (records in Dagu's format are ours to read):
 * our status tree must equal the reference's `dagu status` for the same run. Hand-made
 * records check that a run whose owner died reads as failed, never as running forever.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolvePaths } from "../../src/config/paths.ts";
import type { RunRecord } from "../../src/core/run-record.ts";
import { NodeStatus, RunStatus } from "../../src/core/status.ts";
import { FileRunStore } from "../../src/store/file-run-store.ts";
import { procFile } from "../../src/store/proc-dir.ts";
import { bin, ensureBuilt, refTool, type Result, Workspace } from "./harness.ts";

const liveRef = existsSync(refTool);
const dagsSrc = join(import.meta.dir, "../fixtures/records/dags");
/** Reference runs whose trees we compare (one run each). */
const treeDags = ["success", "partial", "failed", "skipped", "multi", "outputs", "handler-fail"] as const;

let ws: Workspace;
let dags: string;
/** Our binary in UTC, so date filters in the test and in the binary agree. */
function dagu(...args: string[]): Result {
  // Another build may be rewriting dist/dagu this very moment (ETXTBSY): try again shortly.
  for (let attempt = 0; ; attempt++) {
    try {
      return ws.run(bin, args, { env: ws.env({ TZ: "UTC" }) });
    } catch (e) {
      if (attempt >= 20 || !String(e).includes("ETXTBSY")) throw e;
      Bun.sleepSync(250);
    }
  }
}
const ref = (...args: string[]): Result => ws.run(refTool, args, { env: ws.env({ TZ: "UTC" }) });

/** flip.yaml's run ids in the order they ran: succeeded, failed, succeeded. */
const flipIds: string[] = [];

beforeAll(() => {
  ensureBuilt();
  ws = new Workspace("status");
  dags = join(ws.dir, "dags");
  mkdirSync(dags, { recursive: true });
  if (!liveRef) return;
  for (const d of treeDags) {
    copyFileSync(join(dagsSrc, `${d}.yaml`), join(dags, `${d}.yaml`));
    ref("start", join(dags, `${d}.yaml`));
  }
  writeFileSync(join(dags, "flip.yaml"), 'params:\n  - CODE: "0"\nsteps:\n  - name: maybe\n    command: sh -c "exit $CODE"\n');
  for (const code of ["0", "1", "0"]) {
    ref("start", join(dags, "flip.yaml"), "--", `CODE=${code}`);
    const r = dagu("status", "flip", "--format", "json");
    flipIds.push((JSON.parse(r.stdout) as RunRecord).dagRunId);
  }
}, 120_000);

afterAll(() => ws?.remove());

describe.skipIf(!liveRef)("dagu status over the reference's runs", () => {
  test.each(treeDags)("%s: our tree equals the reference's", (d) => {
    const ours = dagu("status", d);
    const theirs = ref("status", d);
    expect(theirs.code).toBe(0);
    expect(ours.stderr).toBe("");
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
  });

  test("-r/--run-id picks an older run, and a DAG file path names the DAG", () => {
    const older = flipIds[1] as string;
    for (const args of [["-r", older, "flip"], [`--run-id=${older}`, join(dags, "flip.yaml")]]) {
      const ours = dagu("status", ...args);
      expect(ours.code).toBe(0);
      expect(ours.stdout).toBe(ref("status", ...args).stdout);
      expect(ours.stdout).toStartWith("Failed - ");
    }
  });

  test("--format json prints the run record", () => {
    const r = dagu("status", "partial", "--format", "json");
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.stdout) as RunRecord;
    expect(rec.name).toBe("partial");
    expect(rec.status).toBe(RunStatus.PartiallySucceeded);
    expect(rec.nodes.map((n) => n.step.name)).toEqual(["may-fail", "after"]);
  });

  test("no run, or an unknown run id: exit 1 with a clear message", () => {
    const none = dagu("status", "never-ran");
    expect(none.code).toBe(1);
    expect(none.stderr).toBe("Error: failed to extract attempt ID: failed to find the latest run data for DAG never-ran: no status data\n");
    const bad = dagu("status", "-r", "nope", "success");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("Error: failed to extract attempt ID: failed to find run data for dag-run ID nope: dag-run ID not found: nope\n");
    expect(dagu("status", "success", "--format", "yaml").code).toBe(1);
  });
});

interface Row {
  readonly dagRunId: string;
  readonly status: string;
  readonly startedAt: string;
  readonly duration: string;
  readonly params: string;
  readonly dead: boolean;
}
const rows = (r: Result): Row[] => {
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Row[];
};

describe.skipIf(!liveRef)("dagu history over the reference's runs", () => {
  test("newest first, with status, duration and params; the table has a header", () => {
    const list = rows(dagu("history", "flip", "--format", "json"));
    expect(list.map((r) => r.dagRunId)).toEqual([...flipIds].reverse());
    expect(list.map((r) => r.status)).toEqual(["succeeded", "failed", "succeeded"]);
    expect(list.map((r) => r.params)).toEqual(["CODE=0", "CODE=1", "CODE=0"]);
    for (const r of list) expect(r.duration).toMatch(/^(\d+ms|\d+\.\ds|0s)$/);
    const table = dagu("history", "flip");
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^RUN ID\s+STATUS\s+STARTED\s+DURATION\s+PARAMS$/);
    expect(lines.length).toBe(4);
    expect(lines[2]).toContain(flipIds[1] as string);
    expect(lines[2]).toContain("failed");
    expect(lines[2]).toEndWith("CODE=1");
  });

  test("--status and --limit", () => {
    expect(rows(dagu("history", "flip", "--status", "failed", "--format", "json")).map((r) => r.dagRunId)).toEqual([flipIds[1] as string]);
    expect(rows(dagu("history", "flip", "--status", "Succeeded", "--limit", "1", "--format", "json")).map((r) => r.dagRunId)).toEqual([flipIds[2] as string]);
    expect(rows(dagu("history", "flip", "--limit", "2", "--format", "json")).length).toBe(2);
    expect(dagu("history", "flip", "--status", "great").code).toBe(1);
    expect(dagu("history", "flip", "--limit", "0").code).toBe(1);
  });

  test("--from and --to on the start date", () => {
    const [first] = rows(dagu("history", "flip", "--limit", "1", "--format", "json"));
    const day = (first as Row).startedAt.slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const prev = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(rows(dagu("history", "flip", "--from", day, "--to", day, "--format", "json")).length).toBe(3);
    expect(rows(dagu("history", "flip", "--from", next, "--format", "json")).length).toBe(0);
    expect(rows(dagu("history", "flip", "--to", prev, "--format", "json")).length).toBe(0);
    expect(rows(dagu("history", "flip", "--from", "2000-01-01T00:00:00Z", "--format", "json")).length).toBe(3);
    const none = dagu("history", "flip", "--from", next);
    expect(none.stdout).toBe("No runs of flip match.\n");
    expect(dagu("history", "flip", "--from", "last tuesday").code).toBe(1);
  });

  test("a DAG with no runs at all is an error", () => {
    const r = dagu("history", "never-ran");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no DAG-run found for DAG never-ran");
  });
});

describe("a record left `running` by a dead owner", () => {
  /** A pid that existed a moment ago and is gone now. */
  function deadPid(): number {
    const p = Bun.spawnSync(["true"]);
    return p.pid;
  }

  function writeRunning(dag: string, runId: string, pid: number): RunRecord {
    const paths = resolvePaths(undefined, ws.env() as NodeJS.ProcessEnv);
    const store = new FileRunStore(paths.dagRunsDir, paths.logDir);
    const at = new Date(Date.now() - 120_000);
    const w = store.createRun(dag, runId, at);
    const rec: RunRecord = {
      root: { name: dag, id: runId },
      name: dag,
      dagRunId: runId,
      attemptId: w.attemptId,
      status: RunStatus.Running,
      workerId: "local",
      pid,
      nodes: [
        {
          step: { name: "work", commands: [{ command: "sleep", args: ["600"], cmdWithArgs: "sleep 600" }] },
          stdout: "",
          stderr: "",
          startedAt: at.toISOString(),
          finishedAt: "",
          status: NodeStatus.Running,
        },
      ],
      createdAt: at.getTime(),
      startedAt: at.toISOString(),
      finishedAt: "",
      log: w.runLogFile,
    };
    w.close(rec);
    return rec;
  }

  function heartbeat(dag: string, runId: string, ageMs: number): void {
    const paths = resolvePaths(undefined, ws.env() as NodeJS.ProcessEnv);
    const file = procFile(paths.procDir, dag, dag, new Date(Date.now() - 120_000), runId);
    mkdirSync(join(file, ".."), { recursive: true });
    const buf = Buffer.alloc(8);
    buf.writeBigUInt64BE(BigInt(Math.floor((Date.now() - ageMs) / 1000)));
    writeFileSync(file, buf);
  }

  test("a dead pid: status and history say failed, with the reason", () => {
    const pid = deadPid();
    writeRunning("ghost", "ghost-run-1", pid);
    const tree = dagu("status", "ghost");
    expect(tree.code).toBe(0);
    expect(tree.stdout).toStartWith("Failed - ");
    expect(tree.stdout).toContain(`└─error: the process running this DAG-run is gone (pid ${pid})`);
    expect(tree.stdout).toEndWith("\nResult: Failed\n");
    expect(tree.stdout).not.toContain("[running]");
    expect(tree.stdout).not.toContain("Status: Running");
    const rec = JSON.parse(dagu("status", "ghost", "--format", "json").stdout) as RunRecord;
    expect(rec.status).toBe(RunStatus.Failed);
    expect(rec.error).toBe(`the process running this DAG-run is gone (pid ${pid})`);
    const [row] = rows(dagu("history", "ghost", "--format", "json"));
    expect(row).toMatchObject({ dagRunId: "ghost-run-1", status: "failed", dead: true });
    expect(rows(dagu("history", "ghost", "--status", "running", "--format", "json"))).toEqual([]);
  });

  test("a live pid with a stale heartbeat is dead; with a fresh one it is still running", () => {
    // This test process is alive; only the heartbeat decides.
    writeRunning("stale", "stale-run-1", process.pid);
    heartbeat("stale", "stale-run-1", 120_000);
    expect(dagu("status", "stale").stdout).toStartWith("Failed - ");
    writeRunning("fresh", "fresh-run-1", process.pid);
    heartbeat("fresh", "fresh-run-1", 1_000);
    const fresh = dagu("status", "fresh");
    expect(fresh.stdout).toStartWith("Running - ");
    expect(fresh.stdout).toEndWith("\nStatus: Running\n");
    expect(fresh.stdout).toContain("└─work (2m 0s) [running]");
  });
});
