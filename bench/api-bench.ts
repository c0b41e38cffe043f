/**
 * @module bench/api-bench
 * `bun bench/api-bench.ts [--dags 500] [--runs 10000] [--days 10] [--duration 5] [--keep]`:
 * the REST API under load, ours (`dist/dagu start-all`) side by side with the reference
 * (Dagu 1.30.2 `start-all`), each on 127.0.0.1 with its own copy of the same DAGU_HOME:
 * `--dags` DAG files and `--runs` stored runs (Dagu's layout, spread evenly over the last
 * `--days` days, so today holds runs/days of them). For each endpoint, `wrk --latency`
 * (1 connection, 1 thread: the latency of one request, p50/p90/p99) and again with
 * 10 connections (throughput, requests/s) after a warm-up; without wrk,
 * a sequential fetch loop of our own measures p50/p90. Idle RSS of each server is read from
 * /proc after start-up and again after the load.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attemptDirName, runDir } from "../src/store/run-layout.ts";
import { ensureBuilt, findReference, oursPath, percentile, positiveIntFlag } from "./lib.ts";
import { freePort } from "../tests/e2e/server-harness.ts";

const nDags = positiveIntFlag("dags", 500);
const nRuns = positiveIntFlag("runs", 10_000);
const days = positiveIntFlag("days", 10);
const duration = positiveIntFlag("duration", 5);
const keep = process.argv.includes("--keep");

function dagText(i: number): string {
  return `description: bench DAG ${i}
tags: [bench, group${i % 10}]
${i % 3 === 0 ? 'schedule: "0 * * * *"\n' : ""}params: "N=${i}"
steps:
  - name: first
    command: echo first $N
  - name: second
    command: echo second
    depends: [first]
`;
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

/** A finished run's status.jsonl line in Dagu's format. */
function record(dag: string, runId: string, attemptId: string, at: Date, status: number, logDir: string): string {
  const start = rfc3339(at);
  const end = rfc3339(new Date(at.getTime() + 1500));
  const node = (name: string, depends: string[]) => ({
    step: { name, commands: [{ command: "echo", args: [name] }], ...(depends.length ? { depends } : {}) },
    stdout: join(logDir, `${name}.out`),
    stderr: join(logDir, `${name}.err`),
    startedAt: start,
    finishedAt: end,
    status: status === 4 ? 4 : 2,
    retryCount: 0,
    doneCount: 1,
  });
  return `${JSON.stringify({
    root: { name: dag, id: runId },
    name: dag,
    dagRunId: runId,
    attemptId,
    status,
    workerId: "local",
    pid: 0,
    nodes: [node("first", []), node("second", ["first"])],
    createdAt: at.getTime(),
    startedAt: start,
    finishedAt: end,
    log: join(logDir, "run.log"),
    params: `N=${dag.slice(4)}`,
    paramsList: [`N=${dag.slice(4)}`],
  })}\n`;
}

/** Build the shared home: DAG files plus runs, newest today. */
function buildHome(home: string): void {
  const dagsDir = join(home, "dags");
  mkdirSync(dagsDir, { recursive: true });
  const names = Array.from({ length: nDags }, (_, i) => `dag-${String(i).padStart(3, "0")}`);
  names.forEach((n, i) => writeFileSync(join(dagsDir, `${n}.yaml`), dagText(i)));
  const now = Date.now();
  const perDay = Math.ceil(nRuns / days);
  for (let r = 0; r < nRuns; r++) {
    const dag = names[r % nDags] as string;
    const day = Math.floor(r / perDay);
    // Today's runs lie in the last hours before now; older days at the same spacing.
    const at = new Date(now - day * 86_400_000 - ((r % perDay) + 1) * Math.floor(Math.min(3_600_000 * 6, now % 86_400_000) / (perDay + 1)) - 1000);
    const runId = `${at.getTime().toString(16)}-${String(r).padStart(5, "0")}`;
    const attemptId = (r % 0xffffff).toString(16).padStart(6, "0");
    const dir = runDir(join(home, "data", "dag-runs"), dag, at, runId);
    const attempt = join(dir, attemptDirName(at, attemptId));
    mkdirSync(attempt, { recursive: true });
    writeFileSync(join(attempt, "status.jsonl"), record(dag, runId, attemptId, at, r % 17 === 0 ? 2 : 4, join(home, "logs", dag, runId)));
  }
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

interface Server {
  readonly name: string;
  readonly api: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function start(name: string, exe: string, home: string): Promise<Server> {
  const port = await freePort();
  const extra = name === "reference" ? [`--coordinator.port=${await freePort()}`] : [];
  const proc = Bun.spawn([exe, "start-all", "--host=127.0.0.1", `--port=${port}`, ...extra], {
    env: { ...process.env, DAGU_HOME: home, DAGU_SKIP_EXAMPLES: "true" },
    stdout: "ignore",
    stderr: "ignore",
  });
  const api = `http://127.0.0.1:${port}/api/v2`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${api}/health`)).ok) break;
    } catch {
      await Bun.sleep(50);
    }
  }
  return {
    name,
    api,
    pid: proc.pid,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

interface Figures {
  p50: number;
  p90: number;
  p99: number;
  rps: number;
  bytes: number;
}

function wrkMs(text: string, label: string): number {
  const m = new RegExp(`^\\s*${label}\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(text);
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
}

async function load(url: string): Promise<Figures> {
  const first = await fetch(url);
  const bytes = (await first.arrayBuffer()).byteLength;
  const wrk = Bun.which("wrk");
  if (wrk) {
    Bun.spawnSync([wrk, "-t1", "-c10", "-d1s", url], { stdout: "ignore" }); // warm-up
    const out = Bun.spawnSync([wrk, "-t1", "-c1", `-d${duration}s`, "--latency", url]).stdout.toString();
    const busy = Bun.spawnSync([wrk, "-t1", "-c10", `-d${duration}s`, url]).stdout.toString();
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(busy)?.[1] ?? Number.NaN);
    return { p50: wrkMs(out, "50%"), p90: wrkMs(out, "90%"), p99: wrkMs(out, "99%"), rps, bytes };
  }
  const samples: number[] = [];
  const until = Date.now() + duration * 1000;
  while (Date.now() < until) {
    const t0 = performance.now();
    await (await fetch(url)).arrayBuffer();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const total = samples.reduce((a, b) => a + b, 0);
  return { p50: percentile(samples, 50), p90: percentile(samples, 90), p99: percentile(samples, 99), rps: (samples.length * 1000) / total, bytes };
}

ensureBuilt();
const ref = findReference();
const root = mkdtempSync(join(tmpdir(), "dagu-api-bench-"));
const base = join(root, "base");
console.log(`building ${nDags} DAGs and ${nRuns} runs over ${days} days in ${base} …`);
buildHome(base);
const homes = { ours: join(root, "ours"), reference: join(root, "ref") };
cpSync(base, homes.ours, { recursive: true });
if (ref) cpSync(base, homes.reference, { recursive: true });

const servers: Server[] = [await start("ours", oursPath, homes.ours)];
if (ref) servers.push(await start("reference", ref.path, homes.reference));
await Bun.sleep(3000);
const idle = new Map(servers.map((s) => [s.name, rssMb(s.pid)]));

const endpoints: readonly [string, string, boolean][] = [
  ["GET /dag-runs (today, up to 1000)", "/dag-runs", true],
  ["GET /dag-runs?limit=50 (ours only)", "/dag-runs?limit=50", false],
  ["GET /dags (page 1, 50 per page)", "/dags", true],
  ["GET /dags?perPage=100&tag=group3", "/dags?perPage=100&tag=group3", true],
  ["GET /dag-runs/dag-007 (one DAG)", "/dag-runs/dag-007", true],
  ["GET /dags/dag-007 (details)", "/dags/dag-007", true],
  ["GET /health", "/health", true],
];

const rows: string[] = [];
const results: Record<string, Record<string, Figures>> = {};
for (const [label, path, both] of endpoints) {
  results[label] = {};
  for (const s of servers) {
    if (!both && s.name !== "ours") continue;
    const f = await load(`${s.api}${path}`);
    (results[label] as Record<string, Figures>)[s.name] = f;
    rows.push(`| ${label} | ${s.name} | ${f.p50.toFixed(2)} | ${f.p90.toFixed(2)} | ${f.p99.toFixed(2)} | ${Math.round(f.rps)} | ${(f.bytes / 1024).toFixed(0)} |`);
  }
}
const after = new Map(servers.map((s) => [s.name, rssMb(s.pid)]));
for (const s of servers) await s.stop();

console.log(`\n${nDags} DAGs, ${nRuns} runs (${Math.ceil(nRuns / days)} today), ${Bun.which("wrk") ? `latency: wrk -t1 -c1 -d${duration}s --latency; req/s: wrk -t1 -c10 -d${duration}s` : "sequential fetch loop"} on 127.0.0.1\n`);
console.log("| endpoint | server | p50 ms | p90 ms | p99 ms | req/s (10 conn.) | body KiB |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
console.log("\n| server | idle RSS MiB (3 s after start) | RSS MiB after the load |");
console.log("|---|---|---|");
for (const s of servers) console.log(`| ${s.name} | ${idle.get(s.name)?.toFixed(1)} | ${after.get(s.name)?.toFixed(1)} |`);
const oursIdle = idle.get("ours") ?? Number.NaN;
const refIdle = idle.get("reference") ?? Number.NaN;
if (ref) console.log(`\nidle RSS ours/reference = ${(oursIdle / refIdle).toFixed(2)} (target ≤ 1.5)`);
const p50 = (label: string): number => results[label]?.["ours"]?.p50 ?? Number.NaN;
console.log(`targets: run list p50 ${p50("GET /dag-runs (today, up to 1000)").toFixed(2)} ms, first page ${p50("GET /dag-runs?limit=50 (ours only)").toFixed(2)} ms, DAG list p50 ${p50("GET /dags (page 1, 50 per page)").toFixed(2)} ms (≤ 20 ms)`);
if (!keep) rmSync(root, { recursive: true, force: true });
else console.log(`kept ${root}`);
