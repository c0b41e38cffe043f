/**
 * @module tests/e2e/backfill
 * `dagu backfill` through the compiled binary: dry run, one run per scheduled time in order
 * with DAG_RUN_SCHEDULED_AT set, deterministic ids (re-running skips existing runs),
 * concurrency, failures (exit 1), zones, and usage errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bin, ensureBuilt, Workspace } from "./harness.ts";

let ws: Workspace;
let out: string;

beforeAll(() => {
  ensureBuilt();
  ws = new Workspace("backfill");
  out = join(ws.dir, "out.txt");
  writeFileSync(
    join(ws.dir, "every-minute.yaml"),
    `schedule: "* * * * *"
steps:
  - name: record
    command: sh -c 'echo "$DAG_RUN_SCHEDULED_AT $DAG_RUN_ID" >> ${out}'
`,
  );
  writeFileSync(
    join(ws.dir, "flaky.yaml"),
    `schedule: "* * * * *"
steps:
  - name: maybe-fail
    command: sh -c 'test "$DAG_RUN_SCHEDULED_AT" != "2024-01-01T10:01:00Z"'
`,
  );
  writeFileSync(join(ws.dir, "tokyo.yaml"), `schedule: "CRON_TZ=Asia/Tokyo 0 9 * * *"\nsteps:\n  - name: a\n    command: "true"\n`);
  writeFileSync(join(ws.dir, "unscheduled.yaml"), `steps:\n  - name: a\n    command: "true"\n`);
});

afterAll(() => ws.remove());

const lines = (): string[] => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean) : []);

describe("dagu backfill", () => {
  test("--dry-run lists each scheduled time with its run id and runs nothing", () => {
    const r = ws.dagu("backfill", "every-minute.yaml", "--from", "2024-01-01T10:00:00Z", "--to", "2024-01-01T10:02:00Z", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 scheduled time(s)");
    expect(r.stdout).toContain("2024-01-01T10:00:00Z  backfill-20240101100000  would run");
    expect(r.stdout).toContain("2024-01-01T10:02:00Z  backfill-20240101100200  would run");
    expect(lines()).toEqual([]);
  });

  test("runs once per scheduled time, in order, with DAG_RUN_SCHEDULED_AT and a deterministic id", () => {
    const r = ws.dagu("backfill", "every-minute.yaml", "--from", "2024-01-01T10:00:00Z", "--to", "2024-01-01T10:02:00Z");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lines()).toEqual([
      "2024-01-01T10:00:00Z backfill-20240101100000",
      "2024-01-01T10:01:00Z backfill-20240101100100",
      "2024-01-01T10:02:00Z backfill-20240101100200",
    ]);
    expect(r.stdout).toContain("2024-01-01T10:01:00Z  backfill-20240101100100  succeeded");
    expect(r.stdout).toContain("summary: 3 run, 3 ok, 0 failed, 0 skipped (already exist)");
  });

  test("the runs are recorded under their backfill ids", () => {
    const r = ws.dagu("status", "--run-id=backfill-20240101100100", "every-minute.yaml");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Result: Succeeded");
    expect(ws.dagu("status", "--run-id=backfill-20240101095900", "every-minute.yaml").code).not.toBe(0);
  });

  test("re-running the same backfill skips existing runs", () => {
    const r = ws.dagu("backfill", "every-minute.yaml", "--from", "2024-01-01T10:00:00Z", "--to", "2024-01-01T10:02:00Z");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("summary: 0 run, 0 ok, 0 failed, 3 skipped (already exist)");
    expect(lines()).toHaveLength(3);
    const dry = ws.dagu("backfill", "every-minute.yaml", "--from", "2024-01-01T10:00:00Z", "--to", "2024-01-01T10:03:00Z", "--dry-run");
    expect(dry.stdout).toContain("2024-01-01T10:00:00Z  backfill-20240101100000  exists (skip)");
    expect(dry.stdout).toContain("dry run: 1 to run, 3 already exist");
  });

  test("a wider range with --concurrency 2 runs only the new times", () => {
    const r = ws.dagu("backfill", "every-minute.yaml", "--from", "2024-01-01T10:00:00Z", "--to", "2024-01-01T10:05:30Z", "--concurrency", "2");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("summary: 3 run, 3 ok, 0 failed, 3 skipped (already exist)");
    const got = lines();
    expect(got).toHaveLength(6);
    expect(got.slice(3).sort()).toEqual([
      "2024-01-01T10:03:00Z backfill-20240101100300",
      "2024-01-01T10:04:00Z backfill-20240101100400",
      "2024-01-01T10:05:00Z backfill-20240101100500",
    ]);
  });

  test("a failed run makes the backfill exit 1, after running the others", () => {
    const r = ws.dagu("backfill", "flaky.yaml", "--from", "2024-01-01T10:00:00Z", "--to", "2024-01-01T10:02:00Z");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/2024-01-01T10:01:00Z {2}backfill-20240101100100 {2}failed/);
    expect(r.stdout).toContain("2024-01-01T10:02:00Z  backfill-20240101100200  succeeded");
    expect(r.stdout).toContain("summary: 3 run, 2 ok, 1 failed");
  });

  test("entry zones apply; times without an offset are read in DAGU_TZ", () => {
    const res = ws.run(bin, ["backfill", "tokyo.yaml", "--from", "2024-01-01", "--to", "2024-01-03", "--dry-run"], { env: ws.env({ DAGU_TZ: "Asia/Tokyo" }) });
    const stdout = res.stdout;
    expect(res.code).toBe(0);
    // 09:00 Tokyo = 00:00Z; the range is Jan 1 00:00 .. Jan 3 00:00 Tokyo time.
    expect(stdout).toContain("from 2023-12-31T15:00:00Z to 2024-01-02T15:00:00Z");
    expect(stdout).toContain("2024-01-01T00:00:00Z  backfill-20240101000000  would run");
    expect(stdout).toContain("2024-01-02T00:00:00Z  backfill-20240102000000  would run");
    expect(stdout).toContain("2 scheduled time(s)");
  });

  test("usage errors", () => {
    expect(ws.dagu("backfill", "every-minute.yaml", "--to", "2024-01-01T10:00:00Z").code).toBe(1);
    const bad = ws.dagu("backfill", "every-minute.yaml", "--from", "yesterday", "--to", "2024-01-01T10:00:00Z");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid time "yesterday"');
    expect(ws.dagu("backfill", "every-minute.yaml", "--from", "2024-01-02", "--to", "2024-01-01").stderr).toContain("--to is before --from");
    expect(ws.dagu("backfill", "every-minute.yaml", "--from", "2024-01-01", "--to", "2024-01-02", "--concurrency", "0").stderr).toContain("--concurrency");
    const none = ws.dagu("backfill", "unscheduled.yaml", "--from", "2024-01-01", "--to", "2024-01-02");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("has no start schedule");
    const many = ws.dagu("backfill", "every-minute.yaml", "--from", "2024-01-01", "--to", "2024-03-01", "--dry-run");
    expect(many.code).toBe(1);
    expect(many.stderr).toContain("narrow --from/--to");
  });

  test("`dagu backfill --help` documents the flags and the environment variable", () => {
    const r = ws.dagu("backfill", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("DAG_RUN_SCHEDULED_AT");
    expect(r.stdout).toContain("--concurrency");
    expect(r.stdout).toContain("--dry-run");
  });
});
