/**
 * @module tests/e2e/queue
 * Queues through the compiled binary: `dagu enqueue` (record queued + item in Dagu's layout,
 * Dagu's log line and exit codes), `dagu dequeue` (by ref and oldest-first; the run no longer
 * resolves), `dagu start` of a queued run id (runs it once, with the enqueued params), and
 * QueueProcessors draining a real queue by launching real `dagu start` children: capacity is
 * honoured, measured from the children's own records, and no run starts twice.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolvePaths } from "../../src/config/paths.ts";
import { QueueProcessor, type QueueLauncher } from "../../src/scheduler/queue-processor.ts";
import { FileRunStore } from "../../src/store/file-run-store.ts";
import { bin, ensureBuilt, Workspace } from "./harness.ts";

let ws: Workspace;
let home: string;
beforeAll(() => {
  ensureBuilt();
  ws = new Workspace("queue");
  home = join(ws.dir, "home");
  mkdirSync(join(home, "dags"), { recursive: true });
  writeFileSync(join(home, "dags", "greet.yaml"), "params: WHO=world\nsteps:\n  - name: s1\n    command: echo hello ${WHO}\n    output: OUT\n");
});
afterAll(() => ws.remove());

interface Status {
  readonly status: number;
  readonly dagRunId: string;
  readonly queuedAt?: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly paramsList?: string[];
  readonly nodes: { readonly outputVariables?: Record<string, string> }[];
}

/** Every attempt folder of a run (visible ones), oldest first, with its last record. */
function attempts(dag: string, runId: string): { dir: string; record: Status }[] {
  const base = join(home, "data", "dag-runs", dag, "dag-runs");
  const out: { dir: string; record: Status }[] = [];
  if (!existsSync(base)) return out;
  for (const y of readdirSync(base))
    for (const m of readdirSync(join(base, y)))
      for (const d of readdirSync(join(base, y, m)))
        for (const r of readdirSync(join(base, y, m, d)).filter((n) => n.endsWith(`Z_${runId}`)))
          for (const a of readdirSync(join(base, y, m, d, r)).filter((n) => n.startsWith("attempt_")).sort()) {
            const lines = readFileSync(join(base, y, m, d, r, a, "status.jsonl"), "utf8").trim().split("\n");
            try {
              out.push({ dir: a, record: JSON.parse(lines[lines.length - 1] as string) as Status });
            } catch {
              // An attempt just created, before its first record: not readable yet.
            }
          }
  return out;
}

const queueFiles = (q: string): string[] => {
  const dir = join(home, "data", "queue", q);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith("item_")).sort() : [];
};

describe("dagu enqueue / dequeue / start of a queued run", () => {
  test("enqueue records the run as queued and writes Dagu's queue item", () => {
    const r = ws.dagu("enqueue", "-r", "e1", "greet", "--", "WHO=queue");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/level=INFO msg="Enqueued dag-run" dag=greet run-id=e1 params="\[WHO=queue\]"/);
    const [item] = queueFiles("greet");
    expect(item).toMatch(/^item_low_\d{8}_\d{6}_\d{9}Z_e1\.json$/);
    const data = JSON.parse(readFileSync(join(home, "data", "queue", "greet", item as string), "utf8")) as Record<string, unknown>;
    expect(data["dagRun"]).toEqual({ name: "greet", id: "e1" });
    expect(data["fileName"]).toBe(item);
    const [a] = attempts("greet", "e1");
    expect(a?.record.status).toBe(5);
    expect(a?.record.queuedAt).toBeTruthy();
    expect(a?.record.paramsList).toEqual(["WHO=queue"]);
    const st = ws.dagu("status", "-r", "e1", "greet");
    expect(st.code).toBe(0);
    expect(st.stdout).toContain("Queued");
  });

  test("exit codes and messages as Dagu's: duplicate id, bad id, no file, queues disabled; -q is silent", () => {
    const dup = ws.dagu("enqueue", "-r", "e1", "greet");
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('DAG "greet" with ID "e1" already exists');
    expect(ws.dagu("enqueue", "-r", "bad id!", "greet").stderr).toContain("invalid Run ID");
    const none = ws.dagu("enqueue");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("DAG file path is required");
    const off = ws.run(bin, ["enqueue", "greet"], { env: ws.env({ DAGU_QUEUE_ENABLED: "false" }) });
    expect(off.code).toBe(1);
    expect(off.stderr).toContain("queues are disabled in configuration");
    const quiet = ws.dagu("enqueue", "-q", "-r", "e2", "greet");
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe("");
  });

  test("--queue puts the run on another queue", () => {
    expect(ws.dagu("enqueue", "-u", "batch", "-r", "e3", "greet").code).toBe(0);
    expect(queueFiles("batch")).toHaveLength(1);
    expect(queueFiles("greet").some((n) => n.endsWith("_e3.json"))).toBe(false);
  });

  test("dagu start of a queued id runs that run once, with its enqueued params", () => {
    const r = ws.dagu("start", "-q", "-r", "e1", "greet");
    expect(r.code).toBe(0);
    const all = attempts("greet", "e1");
    expect(all.map((a) => a.record.status)).toEqual([5, 4]);
    const run = all[1]?.record as Status;
    expect(run.queuedAt).toBe(all[0]?.record.queuedAt as string);
    expect(run.nodes[0]?.outputVariables?.["OUT"]).toBe("OUT=hello queue");
    expect(queueFiles("greet").some((n) => n.endsWith("_e1.json"))).toBe(false);
    const again = ws.dagu("start", "-q", "-r", "e1", "greet");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  test("dequeue by ref removes the run; without a ref it takes the oldest; empty queue is an error", () => {
    expect(ws.dagu("enqueue", "-q", "-r", "d1", "greet").code).toBe(0);
    const r = ws.dagu("dequeue", "greet", "--dag-run", "greet:d1");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/msg="Dequeued dag-run" dag=greet run-id=d1 queue=greet/);
    expect(attempts("greet", "d1")).toEqual([]);
    expect(ws.dagu("status", "-r", "d1", "greet").code).toBe(1);
    const again = ws.dagu("dequeue", "greet", "--dag-run=greet:d1");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("dag-run ID not found: d1");
    // e2 is the only one left in greet.
    const first = ws.dagu("dequeue", "greet");
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("run-id=e2");
    const empty = ws.dagu("dequeue", "greet");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("failed to dequeue from queue greet: queue is empty");
    expect(ws.dagu("dequeue", "greet", "--dag-run", "nocolon").stderr).toContain("invalid dag-run reference format");
    expect(ws.dagu("dequeue").code).toBe(1);
  });

  test("a run that is not queued cannot be dequeued", () => {
    const r = ws.dagu("dequeue", "greet", "--dag-run", "greet:e1");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("dag-run e1 is not in queued status but succeeded");
  });
});

describe("QueueProcessor draining a real queue with real `dagu start` children", () => {
  test("capacity 3 (maxActiveRuns), two processors, 12 runs: never more than 3 at once, each started once", async () => {
    writeFileSync(join(home, "dags", "slow.yaml"), "maxActiveRuns: 3\nsteps:\n  - name: nap\n    command: sleep 0.3\n");
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = `s${String(i).padStart(2, "0")}`;
      expect(ws.dagu("enqueue", "-q", "-r", id, "slow").code).toBe(0);
      ids.push(id);
    }
    const paths = resolvePaths(home, {});
    const launcher: QueueLauncher = (req) => {
      const p = Bun.spawn([bin, "start", "-q", `--run-id=${req.runId}`, req.dag], { env: ws.env(), stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      return { pid: p.pid, exited: p.exited };
    };
    const mk = (): QueueProcessor => new QueueProcessor({ paths, runStore: new FileRunStore(paths.dagRunsDir, paths.logDir), launcher });
    const procs = [mk(), mk()];
    for (const p of procs) p.start({ busyMs: 20 });
    const deadline = Date.now() + 60_000;
    const finished = (): boolean => ids.every((id) => attempts("slow", id).some((a) => a.record.status === 4));
    while (!finished() && Date.now() < deadline) await Bun.sleep(100);
    await Promise.all(procs.map((p) => p.stop()));
    expect(finished()).toBe(true);
    // Each run: its queued attempt plus exactly one that ran.
    for (const id of ids) expect(attempts("slow", id).map((a) => a.record.status)).toEqual([5, 4]);
    // Peak concurrency from the children's own start/finish times.
    const spans = ids.map((id) => attempts("slow", id)[1]?.record as Status).map((r) => [Date.parse(r.startedAt), Date.parse(r.finishedAt)] as const);
    const events = spans.flatMap(([s, e]) => [[s, 1], [e, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    let peak = 0;
    for (const [, d] of events) peak = Math.max(peak, (cur += d));
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThanOrEqual(2);
    expect(queueFiles("slow")).toEqual([]);
  }, 90_000);
});
