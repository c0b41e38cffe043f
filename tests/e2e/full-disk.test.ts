/**
 * @module tests/e2e/full-disk
 * A run whose DAGU_HOME fills up (a real 1 MiB tmpfs, mounted for the test; skipped where
 * this process may not mount) keeps going and keeps its record readable: the step that
 * filled the disk and the ones after it finish, the final status is recorded (the writer's
 * reserve is given back for it), `status` reads it; a run on a home that is already full is
 * refused before any step runs; and a `stdout:` copy that cannot be
 * created fails its step with Dagu's message instead of crashing the run.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bin, ensureBuilt, Workspace } from "./harness.ts";

ensureBuilt();
const ws = new Workspace("full-disk");
const home = join(ws.dir, "small-home");
mkdirSync(home, { recursive: true });
const mounted = process.getuid?.() === 0 && Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", home]).exitCode === 0;

beforeAll(() => {
  writeFileSync(
    join(ws.dir, "fills.yaml"),
    [
      "steps:",
      "  - name: big",
      // 3 MB of output into a 1 MiB home: the step log hits ENOSPC part-way.
      "    command: sh -c 'yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | head -c 3000000'",
      "  - name: after",
      "    command: echo after-ok",
      "",
    ].join("\n"),
  );
});

afterAll(() => {
  if (mounted) Bun.spawnSync(["umount", home]);
  ws.remove();
});

describe.skipIf(!mounted)("a DAGU_HOME that runs out of space", () => {
  test("the run finishes, its final status is recorded and readable", () => {
    const env = ws.env({ DAGU_HOME: home });
    const started = Date.now();
    const r = ws.run(bin, ["start", "-q", join(ws.dir, "fills.yaml")], { env });
    // No hang on a pipe nobody drains, no crash: the run ends on its own.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stderr).not.toContain("Bun v");
    expect(r.code).toBe(0);
    const status = ws.run(bin, ["status", "--format", "json", join(ws.dir, "fills.yaml")], { env });
    expect(status.code).toBe(0);
    const record = JSON.parse(status.stdout) as { status: number; nodes: { step: { name: string }; status: number }[] };
    expect(record.status).toBe(4);
    expect(record.nodes.map((n) => [n.step.name, n.status])).toEqual([
      ["big", 4],
      ["after", 4],
    ]);
    // The disk really filled: the step's log kept only what fitted.
    const log = (readdirSync(join(home, "logs"), { recursive: true }) as string[]).find((f) => /big\.[\d.]+\w+\.out$/.test(f));
    expect(log).toBeDefined();
    const size = statSync(join(home, "logs", log as string)).size;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(1024 * 1024);
  });
});

describe.skipIf(!mounted)("a DAGU_HOME already full", () => {
  test("the run is refused before any step runs, with a clear error", () => {
    const env = ws.env({ DAGU_HOME: home });
    const marker = join(ws.dir, "ran.txt");
    writeFileSync(join(ws.dir, "marker.yaml"), `steps:\n  - name: m\n    command: touch ${marker}\n`);
    // Fill what is left of the 1 MiB home.
    Bun.spawnSync(["sh", "-c", `cat /dev/zero > ${join(home, "filler")}`]);
    try {
      const r = ws.run(bin, ["start", "-q", join(ws.dir, "marker.yaml")], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("no space left on device");
      expect(r.stderr).not.toContain("Bun v");
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(join(home, "filler"), { force: true });
    }
  });
});

describe("a stdout: copy that cannot be created", () => {
  test("fails its step before it runs, with Dagu's message; the run is recorded", () => {
    writeFileSync(join(ws.dir, "tee.yaml"), "steps:\n  - name: a\n    stdout: no-such-dir/out.txt\n    command: echo hi\n  - name: b\n    command: echo b\n");
    const r = ws.dagu("start", "-q", join(ws.dir, "tee.yaml"));
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("Bun v");
    const status = ws.dagu("status", "--format", "json", join(ws.dir, "tee.yaml"));
    const record = JSON.parse(status.stdout) as { nodes: { status: number; error?: string }[] };
    const path = join(ws.dir, "no-such-dir/out.txt");
    expect(record.nodes[0]?.status).toBe(2);
    expect(record.nodes[0]?.error).toBe(
      `failed to setup outputs: failed to setup stdout file: failed to open file "${path}": failed to create/open log file ${path}: open ${path}: no such file or directory`,
    );
    expect(record.nodes[1]?.status).toBe(3);
    expect(() => readFileSync(path)).toThrow();
  });
});
