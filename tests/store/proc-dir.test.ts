/**
 * @module tests/store/proc-dir
 * The heartbeat folder in Dagu's layout (`<queue>/<dag>/proc_…`): listing live runs by queue,
 * stale heartbeats left out, the earlier flat layout still read, one run's heartbeat found
 * and removed.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { allLiveRuns, findHeartbeat, liveRuns, procFile, removeHeartbeats, staleHeartbeatMs } from "../../src/store/proc-dir.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "proc-dir-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function beat(path: string, atMs: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000)));
  writeFileSync(path, buf);
}

test("Dagu's layout: data/proc/<queue>/<dag>/proc_<stamp>Z_<id>.proc", () => {
  const p = procFile(dir, "batch", "etl", new Date(Date.UTC(2026, 10, 21, 19, 55, 4)), "r1");
  expect(p).toBe(join(dir, "batch", "etl", "proc_20261121_195504Z_r1.proc"));
});

test("live runs by queue, with their DAG; stale ones left out; the flat layout read too", () => {
  const now = Date.now();
  beat(procFile(dir, "batch", "etl", new Date(), "a"), now);
  beat(procFile(dir, "batch", "load", new Date(), "b"), now);
  beat(procFile(dir, "batch", "etl", new Date(), "old"), now - staleHeartbeatMs - 5000);
  beat(procFile(dir, "solo", "solo", new Date(), "c"), now);
  beat(join(dir, "legacy", "proc_20260101_000000Z_d.proc"), now);
  const batch = liveRuns(dir, "batch").map((h) => `${h.dagName}/${h.runId}`).sort();
  expect(batch).toEqual(["etl/a", "load/b"]);
  const all = allLiveRuns(dir);
  expect([...all.keys()].sort()).toEqual(["batch", "legacy", "solo"]);
  expect(all.get("legacy")?.map((h) => [h.dagName, h.runId])).toEqual([[undefined, "d"]]);
  expect(liveRuns(dir, "missing")).toEqual([]);
});

test("one run's heartbeat: found in its DAG's queue or another, and removed", () => {
  const p = procFile(dir, "batch", "etl", new Date(), "x1");
  beat(p, Date.now());
  beat(procFile(dir, "etl", "etl", new Date(), "x2"), Date.now());
  expect(findHeartbeat(dir, "etl", "x1")).toBe(p);
  expect(findHeartbeat(dir, "etl", "nope")).toBeUndefined();
  removeHeartbeats(dir, "x1");
  expect(existsSync(p)).toBe(false);
  expect(findHeartbeat(dir, "etl", "x2")).toBeDefined();
});
