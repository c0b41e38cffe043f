/**
 * SchedulerService with an injected clock and launcher: every due DAG is claimed before any
 * run is spawned (a busy minute fires all DAGs first), and a claimed run that never got a
 * record (its scheduler died between claim and spawn) is launched once more after the
 * configured delay — by exactly one scheduler.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DaguPaths, resolvePaths } from "../../src/config/paths.ts";
import type { LaunchRequest } from "../../src/runs/launch-run.ts";
import { SchedulerService } from "../../src/scheduler/scheduler-service.ts";
import { FileRunStore } from "../../src/store/file-run-store.ts";
import { FiredTicks } from "../../src/store/fired-ticks.ts";

let home: string;
let paths: DaguPaths;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "dagu-sched-svc-"));
  paths = resolvePaths(home, {});
  mkdirSync(paths.dagsDir, { recursive: true });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const store = (): FileRunStore => new FileRunStore(paths.dagRunsDir, paths.logDir);
const firedDir = (): string => join(paths.dataDir, "scheduler", "fired");

test("a busy minute: all due DAGs are claimed before the first spawn", async () => {
  for (let i = 0; i < 40; i++) writeFileSync(join(paths.dagsDir, `d${i}.yaml`), 'schedule: "* * * * *"\nsteps:\n  - "true"\n');
  let now = new Date("2026-11-21T10:00:30Z");
  const launched: LaunchRequest[] = [];
  let claimedAtFirstSpawn = -1;
  const svc = new SchedulerService({
    paths,
    store: store(),
    clock: () => now,
    zombieIntervalMs: 0,
    launch: (req) => {
      if (launched.length === 0) {
        claimedAtFirstSpawn = Array.from({ length: 40 }, (_, i) => existsSync(join(firedDir(), `d${i}`, "20261121T100100Z"))).filter(Boolean).length;
      }
      launched.push(req);
    },
  });
  await svc.tick(); // first sight of every DAG: nothing is due yet
  now = new Date("2026-11-21T10:01:00.020Z");
  await svc.tick();
  await svc.spawned();
  expect(launched).toHaveLength(40);
  expect(claimedAtFirstSpawn).toBe(40);
  expect(new Set(launched.map((l) => l.runId))).toEqual(new Set(["scheduled-20261121100100"]));
});

test("a claimed run that never started is launched once, after the delay, by one scheduler", async () => {
  writeFileSync(join(paths.dagsDir, "lost.yaml"), 'schedule: "*/5 * * * *"\nsteps:\n  - "true"\n');
  const now = new Date("2026-11-21T10:03:00Z");
  // A claim written by a scheduler that died before spawning (3 minutes ago), and a fresh one.
  const fired = new FiredTicks(firedDir());
  expect(fired.claim("lost", new Date("2026-11-21T10:00:00Z"), "dead@1", "start")).toBe(true);
  expect(fired.claim("lost", new Date("2026-11-21T10:02:30Z"), "dead@1", "start")).toBe(true);
  const old = new Date("2026-11-21T10:00:00.1Z");
  utimesSync(join(firedDir(), "lost", "20261121T100000Z"), old, old);
  utimesSync(join(firedDir(), "lost", "20261121T100230Z"), now, now);

  const launchedBy = (name: string, into: string[]) =>
    new SchedulerService({ paths, store: store(), clock: () => now, lostLaunchAfterMs: 60_000, launch: (req) => into.push(`${name}:${req.runId}`) });
  const a: string[] = [];
  const b: string[] = [];
  const svcA = launchedBy("a", a);
  const svcB = launchedBy("b", b);
  await svcA.tick();
  await svcB.tick();
  await Promise.all([svcA.spawned(), svcB.spawned()]);
  // Only the old claim, only once; the fresh one is still within its delay.
  expect([...a, ...b]).toEqual(["a:scheduled-20261121100000"]);
});

test("a claimed run that has a record is not launched again", async () => {
  writeFileSync(join(paths.dagsDir, "ok.yaml"), 'schedule: "*/5 * * * *"\nsteps:\n  - "true"\n');
  const now = new Date("2026-11-21T10:03:00Z");
  const fired = new FiredTicks(firedDir());
  fired.claim("ok", new Date("2026-11-21T10:00:00Z"), "other@1", "start");
  const old = new Date("2026-11-21T10:00:00.1Z");
  utimesSync(join(firedDir(), "ok", "20261121T100000Z"), old, old);
  store().createRun("ok", "scheduled-20261121100000", new Date("2026-11-21T10:00:01Z"));
  const launched: string[] = [];
  const svc = new SchedulerService({ paths, store: store(), clock: () => now, lostLaunchAfterMs: 60_000, launch: (req) => launched.push(req.runId) });
  await svc.tick();
  await svc.spawned();
  expect(launched).toEqual([]);
});
