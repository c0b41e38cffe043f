/**
 * DagRegistry keeps only DAGs with a schedule, and does not parse a file that never mentions
 * one (unless the base config does): a broken unscheduled file is not even reported.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DagRegistry } from "../../src/scheduler/dag-registry.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dagu-registry-"));
  mkdirSync(join(dir, "dags"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("only scheduled DAGs are returned; unscheduled files are not parsed", async () => {
  writeFileSync(join(dir, "dags", "cron.yaml"), 'schedule: "0 * * * *"\nsteps:\n  - echo hi\n');
  writeFileSync(join(dir, "dags", "manual.yaml"), "steps:\n  - echo hi\n");
  writeFileSync(join(dir, "dags", "broken.yaml"), "steps: [\n");
  writeFileSync(join(dir, "dags", "broken-cron.yaml"), 'schedule: "nope"\nsteps:\n  - echo hi\n');
  const errors: string[] = [];
  const reg = new DagRegistry(join(dir, "dags"), join(dir, "base.yaml"), (file) => errors.push(file));
  const dags = await reg.refresh();
  expect(dags.map((d) => d.name)).toEqual(["cron"]);
  expect(errors).toEqual([join(dir, "dags", "broken-cron.yaml")]);
});

test("a base config with a schedule makes every DAG scheduled", async () => {
  writeFileSync(join(dir, "base.yaml"), 'schedule: "0 1 * * *"\n');
  writeFileSync(join(dir, "dags", "manual.yaml"), "steps:\n  - echo hi\n");
  const reg = new DagRegistry(join(dir, "dags"), join(dir, "base.yaml"), () => {});
  const dags = await reg.refresh();
  expect(dags.map((d) => [d.name, d.schedule.map((s) => s.expression)])).toEqual([["manual", ["0 1 * * *"]]]);
});
