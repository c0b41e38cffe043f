/**
 * FileRunStore's record writing where a writer died or the disk is full: a correction
 * appended after a torn last line is readable, and the dead writer's space reserve is freed.
 */
import { afterAll, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunRecord } from "../../src/core/run-record.ts";
import { RunStatus } from "../../src/core/status.ts";
import { FileRunStore } from "../../src/store/file-run-store.ts";

const dir = mkdtempSync(join(tmpdir(), "dagu-run-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(runId: string, attemptId: string, status: RunStatus): RunRecord {
  return {
    root: { name: "d", id: runId },
    name: "d",
    dagRunId: runId,
    attemptId,
    status,
    workerId: "local",
    pid: 1,
    nodes: [],
    createdAt: Date.now(),
    startedAt: "2026-11-22T00:00:00Z",
    finishedAt: "",
    log: "",
  };
}

test("a correction after a torn last line reads back; the dead writer's reserve is freed", () => {
  const store = new FileRunStore(join(dir, "dag-runs"), join(dir, "logs"));
  const attempt = store.createRun("d", "r1", new Date());
  attempt.update(record("r1", attempt.attemptId, RunStatus.Running));
  const status = join(attempt.attemptDir, "status.jsonl");
  expect(existsSync(`${status}.reserve`)).toBe(true);
  // The owner is killed in the middle of its next snapshot.
  appendFileSync(status, '{"root":{"name":"d","id":"r1"},"name":"d","dagRunId":"r1","sta');
  const run = store.findRun("d", "r1");
  expect(run).toBeDefined();
  store.appendRecord(run as NonNullable<typeof run>, record("r1", attempt.attemptId, RunStatus.Failed));
  expect(store.readLatest(run as NonNullable<typeof run>)?.status).toBe(RunStatus.Failed);
  expect(existsSync(`${status}.reserve`)).toBe(false);
});
