/**
 * @module bench/queue-bench
 * `bun bench/queue-bench.ts [--runs 1000] [--ref-runs 100] [--concurrency 8] [--ref-timeout 900]`:
 * N runs of a trivial DAG (`maxActiveRuns: 8`, one `true` step) are enqueued into a fresh
 * DAGU_HOME, then drained: ours by a QueueProcessor launching `dist/dagu start` children (as the
 * scheduler does), the reference by its own `dagu scheduler` (loopback only, fresh home).
 * Clock: from the consumer's start until the queue is empty and no run is alive (no proc file).
 * Prints runs/s, drain time, the peak concurrency seen in the runs' own records (ours), and
 * checks every run succeeded and started exactly once.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolvePaths } from "../src/config/paths.ts";
import { NodeStatus } from "../src/core/status.ts";
import { stepSnapshot } from "../src/engine/node-state.ts";
import { enqueueRun } from "../src/runs/enqueue-run.ts";
import { type QueueLauncher, QueueProcessor } from "../src/scheduler/queue-processor.ts";
import { loadDag } from "../src/spec/loader.ts";
import { FileQueueStore } from "../src/store/file-queue-store.ts";
import { FileRunStore } from "../src/store/file-run-store.ts";
import { ensureBuilt, findReference, oursPath, positiveIntFlag } from "./lib.ts";

const runs = positiveIntFlag("--runs", 1000);
const refRuns = positiveIntFlag("--ref-runs", 100);
const concurrency = positiveIntFlag("--concurrency", 8);
const refTimeoutSec = positiveIntFlag("--ref-timeout", 900);
const dagName = "qbench";
const dagYaml = `maxActiveRuns: ${concurrency}\nsteps:\n  - name: s\n    command: "true"\n`;

interface Outcome {
  readonly tool: string;
  readonly runs: number;
  readonly seconds: number;
  readonly succeeded: number;
  readonly extraAttempts: number;
  readonly peak?: number;
}

function freshHome(tag: string): string {
  const home = mkdtempSync(join(tmpdir(), `dagu-qbench-${tag}-`));
  mkdirSync(join(home, "dags"), { recursive: true });
  writeFileSync(join(home, "dags", `${dagName}.yaml`), dagYaml);
  writeFileSync(join(home, "config.yaml"), "host: 127.0.0.1\nskipExamples: true\nqueues:\n  enabled: true\n");
  return home;
}

/** Last record of every visible attempt of every run of the DAG. */
function records(home: string): Map<string, { status: number; startedAt: string; finishedAt: string }[]> {
  const out = new Map<string, { status: number; startedAt: string; finishedAt: string }[]>();
  const base = join(home, "data", "dag-runs", dagName, "dag-runs");
  if (!existsSync(base)) return out;
  for (const y of readdirSync(base))
    for (const m of readdirSync(join(base, y)))
      for (const d of readdirSync(join(base, y, m)))
        for (const r of readdirSync(join(base, y, m, d))) {
          const id = r.slice(r.indexOf("Z_") + 2);
          const list: { status: number; startedAt: string; finishedAt: string }[] = [];
          for (const a of readdirSync(join(base, y, m, d, r)).filter((n) => n.startsWith("attempt_")).sort()) {
            try {
              const lines = readFileSync(join(base, y, m, d, r, a, "status.jsonl"), "utf8").trim().split("\n");
              list.push(JSON.parse(lines[lines.length - 1] as string) as { status: number; startedAt: string; finishedAt: string });
            } catch {
              // unreadable: counted as not succeeded
            }
          }
          out.set(id, list);
        }
  return out;
}

function drained(home: string): boolean {
  const q = join(home, "data", "queue", dagName);
  const p = join(home, "data", "proc", dagName);
  const items = existsSync(q) ? readdirSync(q).filter((n) => n.startsWith("item_") || n.startsWith(".claim_")).length : 0;
  const procs = existsSync(p) ? readdirSync(p).filter((n) => n.endsWith(".proc")).length : 0;
  return items === 0 && procs === 0;
}

function summarise(tool: string, home: string, n: number, seconds: number, withPeak: boolean): Outcome {
  const recs = records(home);
  let succeeded = 0;
  let extra = 0;
  const spans: [number, number][] = [];
  for (const list of recs.values()) {
    const last = list[list.length - 1];
    if (last?.status === 4) succeeded++;
    extra += Math.max(0, list.length - 2);
    if (last && last.startedAt && last.finishedAt) spans.push([Date.parse(last.startedAt), Date.parse(last.finishedAt)]);
  }
  let peak: number | undefined;
  if (withPeak) {
    const ev = spans.flatMap(([s, e]) => [[s, 1], [e, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0;
    peak = 0;
    for (const [, d] of ev) peak = Math.max(peak, (cur += d));
  }
  return { tool, runs: n, seconds, succeeded, extraAttempts: extra, ...(peak !== undefined ? { peak } : {}) };
}

async function benchOurs(): Promise<Outcome> {
  const home = freshHome("ours");
  try {
    const paths = resolvePaths(home, {});
    const store = new FileRunStore(paths.dagRunsDir, paths.logDir);
    const queues = new FileQueueStore(paths.queueDir);
    const dag = await loadDag(join(paths.dagsDir, `${dagName}.yaml`));
    const nodes = dag.steps.map((s) => ({ step: stepSnapshot(s), stdout: "", stderr: "", startedAt: "", finishedAt: "", status: NodeStatus.NotStarted }));
    for (let i = 0; i < runs; i++) enqueueRun({ dag, runId: `r${String(i).padStart(5, "0")}`, paramsList: [], nodes, runs: store, queues });
    const env = { ...process.env, DAGU_HOME: home };
    const launcher: QueueLauncher = (req) => {
      const p = Bun.spawn([oursPath, "start", "-q", `--run-id=${req.runId}`, req.dag], { env, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
      return { pid: p.pid, exited: p.exited };
    };
    const proc = new QueueProcessor({ paths, runStore: store, queueStore: queues, launcher });
    const t0 = performance.now();
    proc.start({ busyMs: 5 });
    while (!drained(home) || proc.inFlight > 0) await Bun.sleep(5);
    const seconds = (performance.now() - t0) / 1000;
    await proc.stop();
    return summarise("ours", home, runs, seconds, true);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function benchReference(path: string): Promise<Outcome | string> {
  const home = freshHome("ref");
  const env = { ...process.env, DAGU_HOME: home };
  try {
    // Enqueue with the reference's own CLI (not timed), 16 at a time.
    for (let i = 0; i < refRuns; i += 16) {
      const batch = [];
      for (let j = i; j < Math.min(refRuns, i + 16); j++) {
        batch.push(Bun.spawn([path, "enqueue", "-q", `--run-id=r${String(j).padStart(5, "0")}`, dagName], { env, stdout: "ignore", stderr: "ignore" }).exited);
      }
      await Promise.all(batch);
    }
    const t0 = performance.now();
    const sched = Bun.spawn([path, "scheduler", "-d", join(home, "dags")], { env, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
    const deadline = t0 + refTimeoutSec * 1000;
    // The reference removes an item only once its run has started; wait for the first run too.
    while ((records(home).size === 0 || !drained(home)) && performance.now() < deadline) await Bun.sleep(50);
    const seconds = (performance.now() - t0) / 1000;
    // Its graceful shutdown can hang: SIGKILL after 3 s.
    sched.kill("SIGTERM");
    const killer = setTimeout(() => sched.kill("SIGKILL"), 3000);
    await sched.exited;
    clearTimeout(killer);
    if (!drained(home)) return `did not drain ${refRuns} runs within ${refTimeoutSec} s`;
    return summarise("reference", home, refRuns, seconds, false);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

ensureBuilt();
const results: Outcome[] = [];
console.log(`queue drain: trivial DAG, maxActiveRuns ${concurrency}; ours ${runs} runs, reference ${refRuns} runs`);
results.push(await benchOurs());
const ref = findReference();
if (ref && !process.argv.includes("--no-ref")) {
  const r = await benchReference(ref.path);
  if (typeof r === "string") console.log(`reference: ${r}`);
  else results.push(r);
} else console.log("reference: skipped");
console.log("\n| tool | runs | drain s | runs/s | succeeded | extra attempts | peak concurrency |");
console.log("|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(`| ${r.tool} | ${r.runs} | ${r.seconds.toFixed(2)} | ${(r.runs / r.seconds).toFixed(1)} | ${r.succeeded} | ${r.extraAttempts} | ${r.peak ?? "–"} |`);
}
// Ours must be exact; the reference's figures are reported as measured.
const bad = results.filter((r) => r.tool === "ours").filter((r) => r.succeeded !== r.runs || r.extraAttempts > 0 || (r.peak !== undefined && r.peak > concurrency));
if (bad.length > 0) {
  console.log(`FAILED checks: ${bad.map((b) => b.tool).join(", ")}`);
  process.exit(1);
}
