import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunRecord } from "../../src/core/run-record.ts";
import { RunStatus } from "../../src/core/status.ts";
import { sweepZombies } from "../../src/scheduler/zombie-sweeper.ts";
import { FileRunStore } from "../../src/store/file-run-store.ts";

const dir = mkdtempSync(join(tmpdir(), "dagu-zombie-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function running(name: string, id: string, pid: number): RunRecord {
  return {
    root: { name, id }, name, dagRunId: id, attemptId: "a", status: RunStatus.Running, workerId: "local", pid,
    nodes: [{ step: { name: "s" }, stdout: "", stderr: "", startedAt: "2026-01-01T00:00:00Z", finishedAt: "", status: 1 }],
    createdAt: 0, startedAt: "2026-01-01T00:00:00Z", finishedAt: "", log: "",
  };
}

test("a running record whose owner is gone is recorded failed; a live one is left alone", () => {
  const store = new FileRunStore(join(dir, "dag-runs"), join(dir, "logs"));
  const dead = store.createRun("etl", "dead1", new Date());
  dead.close(running("etl", "dead1", 2 ** 22 + 12345));
  const live = store.createRun("etl", "live1", new Date());
  live.close(running("etl", "live1", process.pid));
  const fixed = sweepZombies(store, join(dir, "dag-runs"), { procDir: join(dir, "proc") });
  expect(fixed.map((f) => f.runId)).toEqual(["dead1"]);
  const after = store.readLatest(store.findRun("etl", "dead1")!)!;
  expect(after.status).toBe(RunStatus.Failed);
  expect(after.nodes[0]?.status).toBe(2);
  expect(after.error).toContain("gone");
  expect(store.readLatest(store.findRun("etl", "live1")!)!.status).toBe(RunStatus.Running);
  // Once fixed, it is not touched again.
  expect(sweepZombies(store, join(dir, "dag-runs"), { procDir: join(dir, "proc") })).toEqual([]);
});

test("finished runs are told from their record's first bytes; queued-then-running and appended records are read whole", () => {
  const store = new FileRunStore(join(dir, "dag-runs2"), join(dir, "logs2"));
  const done = store.createRun("job", "done1", new Date());
  done.close({ ...running("job", "done1", 1), status: RunStatus.Succeeded });
  expect(store.surelyFinished(store.findRun("job", "done1")!)).toBe(true);
  // First snapshot queued, then running, then (by the sweep) failed: never "surely finished".
  const q = store.createRun("job", "q1", new Date());
  q.update({ ...running("job", "q1", 2 ** 22 + 777), status: RunStatus.Queued });
  q.update(running("job", "q1", 2 ** 22 + 777));
  expect(store.surelyFinished(store.findRun("job", "q1")!)).toBe(false);
  const fixed = sweepZombies(store, join(dir, "dag-runs2"), { procDir: join(dir, "proc") });
  expect(fixed.map((f) => f.runId)).toEqual(["q1"]);
  expect(store.surelyFinished(store.findRun("job", "q1")!)).toBe(false);
  expect(store.readLatest(store.findRun("job", "q1")!)!.status).toBe(RunStatus.Failed);
});
