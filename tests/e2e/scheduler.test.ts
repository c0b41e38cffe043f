/**
 * The scheduler in real time, through the compiled binary. All scenarios start together (each
 * in its own DAGU_HOME) and run across the next two minute boundaries, then are checked:
 * - a one-minute schedule fires, once per minute;
 * - two schedulers racing on one home, the active one killed with SIGKILL midway: every
 *   (DAG, minute) runs exactly once, the standby takes over;
 * - the scheduler killed with SIGKILL right after a fire and restarted: no duplicate, no loss;
 * - a run whose owner is killed with SIGKILL is recorded failed within the zombie interval.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunRecord } from "../../src/core/run-record.ts";
import { bin, ensureBuilt, Workspace } from "./harness.ts";

let ws: Workspace;
const procs: Bun.Subprocess[] = [];

function home(name: string): string {
  const h = join(ws.dir, name);
  mkdirSync(join(h, "dags"), { recursive: true });
  return h;
}

function scheduler(h: string, extraEnv: Record<string, string> = {}): Bun.Subprocess {
  const p = Bun.spawn([bin, "scheduler"], {
    env: { ...process.env, DAGU_HOME: h, DAGU_SCHEDULER_LOCK_STALE_THRESHOLD: "3s", DAGU_SCHEDULER_LOCK_RETRY_INTERVAL: "1s", ...extraEnv },
    stdout: "ignore",
    stderr: "ignore",
  });
  procs.push(p);
  return p;
}

/** Every stored run of every DAG in a home: DAG name and run id. */
function runsOf(h: string): { dag: string; id: string }[] {
  const out: { dag: string; id: string }[] = [];
  const base = join(h, "data", "dag-runs");
  if (!existsSync(base)) return out;
  const walk = (dag: string, dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const m = /^dag-run_\d{8}_\d{6}Z_(.+)$/.exec(e.name);
      if (m) out.push({ dag, id: m[1] as string });
      else walk(dag, join(dir, e.name));
    }
  };
  for (const dag of readdirSync(base)) walk(dag, join(base, dag, "dag-runs"));
  return out;
}

function latestRecord(h: string, dag: string, runId: string): RunRecord | undefined {
  const find = (dir: string): string | undefined => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        const hit = find(p);
        if (hit) return hit;
      } else if (e.name === "status.jsonl" && p.includes(`_${runId}/`)) return p;
    }
    return undefined;
  };
  const file = find(join(h, "data", "dag-runs", dag));
  if (!file) return undefined;
  const lines = readFileSync(file, "utf8").trim().split("\n");
  return JSON.parse(lines[lines.length - 1] as string) as RunRecord;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const minuteOf = (id: string): string => id.replace(/^scheduled-/, "").slice(0, 12);

let single = "";
let race = "";
let crash = "";
let zombie = "";
let zombieOwnerKilledAt = 0;

beforeAll(async () => {
  ensureBuilt();
  ws = new Workspace("scheduler");
  single = home("single");
  writeFileSync(join(single, "dags", "every.yaml"), 'schedule: "* * * * *"\nsteps:\n  - echo tick\n');
  race = home("race");
  for (let i = 0; i < 10; i++) writeFileSync(join(race, "dags", `d${i}.yaml`), 'schedule: "* * * * *"\nsteps:\n  - echo race\n');
  crash = home("crash");
  writeFileSync(join(crash, "dags", "c.yaml"), 'schedule: "* * * * *"\nsteps:\n  - sleep 5\n');
  zombie = home("zombie");
  writeFileSync(join(zombie, "dags", "z.yaml"), "steps:\n  - sleep 60\n");

  scheduler(single);
  const a = scheduler(race);
  await sleep(300);
  scheduler(race);
  const c1 = scheduler(crash);
  scheduler(zombie, { DAGU_SCHEDULER_ZOMBIE_DETECTION_INTERVAL: "2s" });

  // A run in the zombie home whose owner dies.
  const owner = Bun.spawn([bin, "start", "-q", "-r", "victim", join(zombie, "dags", "z.yaml")], { env: { ...process.env, DAGU_HOME: zombie }, stdout: "ignore", stderr: "ignore" });
  await sleep(1500);
  owner.kill("SIGKILL");
  zombieOwnerKilledAt = Date.now();

  // Past the next boundary: the crash-test scheduler dies right after it fired.
  const toBoundary = 60_000 - (Date.now() % 60_000);
  await sleep(toBoundary + 1_500);
  c1.kill("SIGKILL");
  a.kill("SIGKILL");
  scheduler(crash);
  // And past the one after, with the standby in charge of the race home.
  await sleep(60_000 + 8_000);
}, 200_000);

afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  ws.remove();
});

describe("scheduler", () => {
  test("a one-minute schedule fires once per minute", () => {
    const ids = runsOf(single).map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids.map(minuteOf)).size).toBe(ids.length);
    expect(ids.every((id) => id.startsWith("scheduled-"))).toBe(true);
  });

  test("two schedulers, the active one killed midway: every (DAG, minute) exactly once", () => {
    const runs = runsOf(race);
    const keys = runs.map((r) => `${r.dag}@${minuteOf(r.id)}`);
    expect(new Set(keys).size).toBe(keys.length);
    const perDag = new Map<string, number>();
    for (const r of runs) perDag.set(r.dag, (perDag.get(r.dag) ?? 0) + 1);
    // Both boundaries for all ten DAGs: the second one after the standby took over.
    expect([...perDag.values()].every((n) => n >= 2)).toBe(true);
    expect(perDag.size).toBe(10);
  });

  test("kill -9 of the scheduler right after a fire, then a restart: no duplicate, no loss", () => {
    const ids = runsOf(crash).map((r) => minuteOf(r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(2);
  });

  test("a run whose owner was killed is recorded failed by the zombie sweep", () => {
    const rec = latestRecord(zombie, "z", "victim");
    expect(rec?.status).toBe(2);
    expect(rec?.error).toContain("gone");
    expect(Date.now() - zombieOwnerKilledAt).toBeGreaterThan(0);
  });
});
