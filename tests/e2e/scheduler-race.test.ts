/**
 * Two schedulers racing on one DAGU_HOME for five minutes of per-second schedules (six-field
 * cron, our extension), the active one killed with SIGKILL every minute and replaced by a
 * fresh standby: every (DAG, second) runs at most once — checked on what the steps really
 * did (each appends its DAG and scheduled time to one file) and on the stored runs — and the
 * schedules keep firing through each failover. DAGU_RACE_SECONDS shortens it locally.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bin, ensureBuilt, Workspace } from "./harness.ts";

const seconds = Number(process.env.DAGU_RACE_SECONDS ?? 300);
const dagCount = 3;
let ws: Workspace;
let homeDir = "";
let outFile = "";
let kills = 0;
const procs: Bun.Subprocess[] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function scheduler(): Bun.Subprocess {
  const p = Bun.spawn([bin, "scheduler"], {
    env: { ...process.env, DAGU_HOME: homeDir, DAGU_SCHEDULER_LOCK_STALE_THRESHOLD: "3s", DAGU_SCHEDULER_LOCK_RETRY_INTERVAL: "1s" },
    stdout: "ignore",
    stderr: "ignore",
  });
  procs.push(p);
  return p;
}

/** The pid of the scheduler holding the lock (its heartbeat names `host@pid`). */
function activePid(): number | undefined {
  try {
    const { owner } = JSON.parse(readFileSync(join(homeDir, "data", "scheduler", "locks", "active", "heartbeat"), "utf8")) as { owner: string };
    return Number(owner.split("@").pop());
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  ensureBuilt();
  ws = new Workspace("scheduler-race");
  homeDir = join(ws.dir, "home");
  mkdirSync(join(homeDir, "dags"), { recursive: true });
  outFile = join(ws.dir, "fired.txt");
  for (let i = 0; i < dagCount; i++) {
    writeFileSync(join(homeDir, "dags", `s${i}.yaml`), `schedule: "* * * * * *"\nsteps:\n  - echo "s${i} $DAG_RUN_SCHEDULED_AT" >> ${outFile}\n`);
  }
  scheduler();
  await sleep(300);
  scheduler();
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(Math.min(60_000, end - Date.now()));
    if (Date.now() >= end) break;
    const pid = activePid();
    const victim = procs.find((p) => p.pid === pid && p.exitCode === null);
    if (victim) {
      victim.kill("SIGKILL");
      kills++;
      scheduler();
    }
  }
  for (const p of procs) p.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.exited));
  await sleep(2000); // runs already launched finish their echo
}, seconds * 1000 + 60_000);

afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  ws?.remove();
});

test(`${seconds} s of per-second schedules, 2 schedulers, the active one SIGKILLed every minute: no (DAG, second) twice`, () => {
  const lines = existsSync(outFile) ? readFileSync(outFile, "utf8").trim().split("\n").filter(Boolean) : [];
  const dup = lines.filter((l, i) => lines.indexOf(l) !== i);
  expect(dup).toEqual([]);
  // Stored runs: one per (DAG, scheduled second), run ids are `scheduled-<second>`.
  for (let i = 0; i < dagCount; i++) {
    const ids: string[] = [];
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        const m = /^dag-run_\d{8}_\d{6}Z_(.+)$/.exec(e.name);
        if (m) ids.push(m[1] as string);
        else walk(join(dir, e.name));
      }
    };
    walk(join(homeDir, "data", "dag-runs", `s${i}`, "dag-runs"));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^scheduled-\d{14}$/.test(id))).toBe(true);
  }
  // It kept firing: each failover costs at most a few seconds (3 s stale lock + retry).
  const perDag = new Map<string, number>();
  for (const l of lines) perDag.set(l.split(" ")[0] as string, (perDag.get(l.split(" ")[0] as string) ?? 0) + 1);
  expect(perDag.size).toBe(dagCount);
  const floor = seconds - 2 - kills * 8;
  for (const n of perDag.values()) expect(n).toBeGreaterThanOrEqual(floor);
  if (seconds >= 120) expect(kills).toBeGreaterThanOrEqual(1);
  console.log(`race: ${seconds} s, ${kills} failovers, runs per DAG ${[...perDag.values()].join("/")}, ${lines.length} step executions, 0 duplicates`);
});
