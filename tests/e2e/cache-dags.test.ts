/**
 * The parse cache warmed out of process: `dagu cache-dags` (internal, not in help) writes
 * one entry per valid DAG, and a cold `dagu scheduler` with many scheduled DAGs has them
 * parsed that way (the cache fills) and schedules them all.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, ensureBuilt } from "./harness.ts";

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "dagu-cache-dags-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("cache-dags writes an entry per valid DAG, skips broken ones, and is not in help", () => {
  const dags = join(dir, "one", "dags");
  mkdirSync(dags, { recursive: true });
  writeFileSync(join(dags, "a.yaml"), 'schedule: "0 * * * *"\nsteps:\n  - echo a\n');
  writeFileSync(join(dags, "b.yaml"), "steps:\n  - echo b\n");
  writeFileSync(join(dags, "bad.yaml"), "steps: [\n");
  const cache = join(dir, "one", "cache");
  const r = Bun.spawnSync([bin, "cache-dags", dags, join(dags, "a.yaml"), join(dags, "b.yaml"), join(dags, "bad.yaml")], {
    env: { ...process.env, XDG_CACHE_HOME: cache },
  });
  expect(r.exitCode).toBe(0);
  expect(readdirSync(join(cache, "dagu", "dags"))).toHaveLength(2);
  const help = Bun.spawnSync([bin, "--help"]).stdout.toString();
  expect(help).toContain("validate");
  expect(help).not.toContain("cache-dags");
});

test("a cold scheduler with 30 scheduled DAGs parses them in a child into the cache and loads them all", async () => {
  const home = join(dir, "two");
  const dags = join(home, "dags");
  mkdirSync(dags, { recursive: true });
  for (let i = 0; i < 30; i++) writeFileSync(join(dags, `d${i}.yaml`), `schedule: "0 3 * * *"\nsteps:\n  - echo ${i}\n`);
  const cache = join(home, "cache");
  const log = join(home, "scheduler.log");
  const p = Bun.spawn(["sh", "-c", `exec "$0" scheduler 2> "$1"`, bin, log], {
    env: { ...process.env, DAGU_HOME: home, XDG_CACHE_HOME: cache },
    stdout: "ignore",
  });
  const entries = (): number => (existsSync(join(cache, "dagu", "dags")) ? readdirSync(join(cache, "dagu", "dags")).length : 0);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && (entries() < 30 || !existsSync(join(home, "data", "scheduler", "state.json")))) await Bun.sleep(100);
  p.kill("SIGTERM");
  await p.exited;
  expect(entries()).toBe(30);
  // Every DAG reached the planner (its state is saved), none failed to load.
  const state = JSON.parse(readFileSync(join(home, "data", "scheduler", "state.json"), "utf8")) as { dags: Record<string, unknown> };
  expect(Object.keys(state.dags)).toHaveLength(30);
  expect(readFileSync(log, "utf8")).not.toContain("DAG not loaded");
}, 30_000);
