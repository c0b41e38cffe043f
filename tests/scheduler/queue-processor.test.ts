/**
 * @module tests/scheduler/queue-processor
 * The queue processor with a fake launcher (a "child" that claims the queued attempt, writes
 * its heartbeat, finishes a few ms later) and an injected clock: capacity from global config
 * and from the DAG's maxActiveRuns, two processors racing on one queue never over-fill it,
 * each run launched once, FIFO with priorities, backoff on failed launches, claims of a dead
 * consumer put back (queued runs survive restarts), dequeued runs dropped.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DaguPaths, resolvePaths } from "../../src/config/paths.ts";
import { RunStatus } from "../../src/core/status.ts";
import { stepSnapshot } from "../../src/engine/node-state.ts";
import { dequeueRun } from "../../src/runs/dequeue-run.ts";
import { enqueueRun } from "../../src/runs/enqueue-run.ts";
import { type QueueLauncher, QueueProcessor } from "../../src/scheduler/queue-processor.ts";
import { loadDag } from "../../src/spec/loader.ts";
import { FileQueueStore } from "../../src/store/file-queue-store.ts";
import { FileRunStore } from "../../src/store/file-run-store.ts";
import type { QueuePriority } from "../../src/store/queue-store.ts";
import { procFile } from "../../src/store/proc-dir.ts";

let home: string;
let paths: DaguPaths;
let runs: FileRunStore;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "queue-proc-"));
  paths = resolvePaths(home, {});
  runs = new FileRunStore(paths.dagRunsDir, paths.logDir);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

async function enqueue(yaml: string, n: number, opts: { prefix?: string; priority?: QueuePriority } = {}): Promise<string[]> {
  const file = join(home, `dag-${Bun.hash(yaml).toString(16)}.yaml`);
  writeFileSync(file, yaml);
  const dag = await loadDag(file);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const runId = `${opts.prefix ?? "r"}${String(i).padStart(3, "0")}`;
    const nodes = dag.steps.map((s) => ({ step: stepSnapshot(s), stdout: "", stderr: "", startedAt: "", finishedAt: "", status: 0 as const }));
    enqueueRun({ dag, runId, paramsList: [], nodes, runs, queues: new FileQueueStore(paths.queueDir), ...(opts.priority ? { priority: opts.priority } : {}) });
    ids.push(runId);
  }
  return ids;
}

/** Children that behave like `dagu start` of a queued run, in-process. */
class FakeChildren {
  readonly running = new Set<string>();
  readonly launches = new Map<string, number>();
  readonly order: string[] = [];
  readonly done = new Set<string>();
  readonly alivePids = new Set<number>();
  peak = 0;
  private nextPid = 100_000;
  /** Fail (throw) this many launches first. */
  failFirst = 0;
  /** Children exit at once without starting the run. */
  dieAtStart = false;
  durationMs = (): number => 2 + Math.random() * 8;

  launcher: QueueLauncher = (req) => {
    if (this.failFirst > 0) {
      this.failFirst--;
      throw new Error("spawn failed");
    }
    const pid = this.nextPid++;
    this.launches.set(req.runId, (this.launches.get(req.runId) ?? 0) + 1);
    if (this.dieAtStart) return { pid };
    const name = "job";
    const run = runs.listRuns(name).find((r) => r.runId === req.runId);
    if (!run) return { pid };
    const rec = runs.readLatest(run);
    if (!rec || rec.status !== RunStatus.Queued || !runs.claimAttempt(run, rec.attemptId)) return { pid };
    this.alivePids.add(pid);
    this.order.push(req.runId);
    const dagQueue = rec.name;
    const proc = procFile(paths.procDir, this.queueOf(dagQueue), rec.name, new Date(), req.runId);
    mkdirSync(join(proc, ".."), { recursive: true });
    const buf = Buffer.alloc(8);
    buf.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)));
    writeFileSync(proc, buf);
    this.running.add(req.runId);
    this.peak = Math.max(this.peak, this.running.size);
    setTimeout(() => {
      try {
        runs.appendRecord(run, { ...rec, status: RunStatus.Succeeded });
      } catch {
        // The test that started it is over (its home is gone).
      }
      rmSync(proc, { force: true });
      this.running.delete(req.runId);
      this.done.add(req.runId);
      this.alivePids.delete(pid);
    }, this.durationMs());
    return { pid };
  };

  queueName = "job";
  queueOf(_dag: string): string {
    return this.queueName;
  }
}

async function drain(procs: QueueProcessor[], until: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!until()) {
    if (Date.now() > end) throw new Error("drain timed out");
    await Promise.all(procs.map((p) => p.tick()));
    await Bun.sleep(1);
  }
}

const dagYaml = (extra = ""): string => `name: job\n${extra}steps:\n  - echo hi\n`;

describe("QueueProcessor", () => {
  test("two processors on a queue of capacity 3, 20 runs: never 4 running, each run launched once", async () => {
    const ids = await enqueue(dagYaml("queue: shared\n"), 20);
    const kids = new FakeChildren();
    kids.queueName = "shared";
    const mk = (): QueueProcessor =>
      new QueueProcessor({
        paths,
        runStore: new FileRunStore(paths.dagRunsDir, paths.logDir),
        queueStore: new FileQueueStore(paths.queueDir),
        globalQueues: [{ name: "shared", maxConcurrency: 3 }],
        launcher: kids.launcher,
        isProcessAlive: (pid) => kids.alivePids.has(pid) || pid === process.pid,
      });
    const p1 = mk();
    const p2 = mk();
    await drain([p1, p2], () => kids.done.size === 20);
    expect(kids.peak).toBe(3);
    expect([...kids.launches.keys()].sort()).toEqual(ids);
    expect([...kids.launches.values()].every((n) => n === 1)).toBe(true);
    // FIFO: started in queue order (each pass takes the oldest).
    expect(kids.order).toEqual(ids);
    expect(new FileQueueStore(paths.queueDir).queues()).toEqual([]);
  });

  test("a DAG's maxActiveRuns is the capacity of its own queue (default 1)", async () => {
    await enqueue(dagYaml("maxActiveRuns: 2\n"), 8);
    const kids = new FakeChildren();
    const p = new QueueProcessor({ paths, runStore: runs, launcher: kids.launcher, isProcessAlive: (pid) => kids.alivePids.has(pid) });
    await drain([p], () => kids.done.size === 8);
    expect(kids.peak).toBe(2);
  });

  test("default capacity is 1; maxActiveRuns < 0 lifts the limit", async () => {
    await enqueue(dagYaml(), 3);
    const kids = new FakeChildren();
    const p = new QueueProcessor({ paths, runStore: runs, launcher: kids.launcher, isProcessAlive: (pid) => kids.alivePids.has(pid) });
    await drain([p], () => kids.done.size === 3);
    expect(kids.peak).toBe(1);

    rmSync(home, { recursive: true, force: true });
    mkdirSync(home);
    await enqueue(dagYaml("maxActiveRuns: -1\n"), 6);
    const kids2 = new FakeChildren();
    kids2.durationMs = () => 200;
    const p2 = new QueueProcessor({ paths, runStore: runs, launcher: kids2.launcher, isProcessAlive: (pid) => kids2.alivePids.has(pid) });
    const r = await p2.tick();
    expect(r.launched).toHaveLength(6);
    expect(kids2.peak).toBe(6);
  });

  test("runs already running (heartbeats in data/proc/<queue>) count against capacity: retries and direct starts too", async () => {
    await enqueue(dagYaml("maxActiveRuns: 2\n"), 2);
    const beat = Buffer.alloc(8);
    beat.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)));
    const other = procFile(paths.procDir, "job", "job", new Date(), "retried-run");
    mkdirSync(join(other, ".."), { recursive: true });
    writeFileSync(other, beat);
    const kids = new FakeChildren();
    kids.durationMs = () => 100_000;
    const p = new QueueProcessor({ paths, runStore: runs, launcher: kids.launcher, isProcessAlive: () => true });
    expect((await p.tick()).launched).toEqual(["r000"]);
    expect((await p.tick()).launched).toEqual([]);
    expect(p.occupancy("job")).toBe(2);
    // A stale heartbeat (owner gone for > 45 s) does not hold a slot.
    const p2 = new QueueProcessor({ paths, runStore: runs, launcher: kids.launcher, isProcessAlive: () => true, now: () => Date.now() + 60_000 });
    expect(p2.occupancy("job")).toBe(0);
  });

  test("high priority first, then FIFO", async () => {
    await enqueue(dagYaml(), 3, { prefix: "low" });
    await enqueue(dagYaml(), 2, { prefix: "high", priority: "high" });
    const kids = new FakeChildren();
    const p = new QueueProcessor({ paths, runStore: runs, launcher: kids.launcher, isProcessAlive: (pid) => kids.alivePids.has(pid) });
    await drain([p], () => kids.done.size === 5);
    expect(kids.order).toEqual(["high000", "high001", "low000", "low001", "low002"]);
  });

  test("a failed launch is put back and retried after 0.5 s, 1 s, 2 s … (capped)", async () => {
    await enqueue(dagYaml(), 1);
    let now = 1_000_000;
    const kids = new FakeChildren();
    kids.failFirst = 3;
    const p = new QueueProcessor({ paths, runStore: runs, launcher: kids.launcher, now: () => now, heartbeatAt: () => now, isProcessAlive: (pid) => kids.alivePids.has(pid) });
    const at = async (t: number): Promise<{ launched: string[]; failed: string[] }> => {
      now = 1_000_000 + t;
      return p.tick();
    };
    expect((await at(0)).failed).toEqual(["r000"]);
    expect(new FileQueueStore(paths.queueDir).count("job")).toBe(1);
    expect((await at(499)).failed).toEqual([]);
    expect((await at(500)).failed).toEqual(["r000"]);
    expect((await at(1499)).failed).toEqual([]);
    expect((await at(1500)).failed).toEqual(["r000"]);
    expect((await at(3499)).launched).toEqual([]);
    expect((await at(3500)).launched).toEqual(["r000"]);
    const capped = new QueueProcessor({ paths, runStore: runs, launcher: () => { throw new Error("x"); }, backoffInitialMs: 500, backoffMaxMs: 1000 });
    expect(capped).toBeDefined();
  });

  test("a child that exits without starting the run counts as a failed launch", async () => {
    await enqueue(dagYaml(), 1);
    let now = 5_000_000;
    const kids = new FakeChildren();
    kids.dieAtStart = true;
    const p = new QueueProcessor({ paths, runStore: runs, launcher: kids.launcher, now: () => now, heartbeatAt: () => now, isProcessAlive: () => false });
    expect((await p.tick()).launched).toEqual(["r000"]);
    // Next pass: the child is gone and the run is still queued.
    const r = await p.tick();
    expect(r.failed).toEqual(["r000"]);
    expect(new FileQueueStore(paths.queueDir).count("job")).toBe(1);
    now += 500;
    kids.dieAtStart = false;
    expect((await p.tick()).launched).toEqual(["r000"]);
  });

  test("claims of a consumer that died are put back and started by the next one (queued runs survive restarts)", async () => {
    await enqueue(dagYaml(), 2);
    const deadOwner = "999999-deadbeef";
    const crashed = new QueueProcessor({ paths, runStore: runs, owner: deadOwner, launcher: () => ({ pid: 999_998 }), isProcessAlive: () => true });
    expect((await crashed.tick()).launched).toEqual(["r000"]);
    const kids = new FakeChildren();
    const fresh = new QueueProcessor({
      paths,
      runStore: new FileRunStore(paths.dagRunsDir, paths.logDir),
      queueStore: new FileQueueStore(paths.queueDir),
      launcher: kids.launcher,
      isProcessAlive: (pid) => pid !== 999_999 && (kids.alivePids.has(pid) || pid === process.pid),
    });
    await drain([fresh], () => kids.done.size === 2);
    expect(kids.order).toEqual(["r000", "r001"]);
  });

  test("a dequeued run is never launched; a run started by hand is dropped from the queue", async () => {
    await enqueue(dagYaml("maxActiveRuns: 5\n"), 3);
    dequeueRun(runs, new FileQueueStore(paths.queueDir), "job", { name: "job", id: "r001" });
    // r002 was started by hand meanwhile: its attempt is claimed and no longer queued.
    const run = runs.findRun("job", "r002")!;
    const rec = runs.readLatest(run)!;
    expect(runs.claimAttempt(run, rec.attemptId)).toBe(true);
    runs.createAttempt(run, new Date()).close({ ...rec, status: RunStatus.Succeeded });
    const kids = new FakeChildren();
    const p = new QueueProcessor({ paths, runStore: runs, launcher: kids.launcher, isProcessAlive: (pid) => kids.alivePids.has(pid) });
    const r = await p.tick();
    expect(r.launched).toEqual(["r000"]);
    expect(r.discarded).toEqual(["r002"]);
    expect(runs.findRun("job", "r001")).toBeUndefined();
  });
});
