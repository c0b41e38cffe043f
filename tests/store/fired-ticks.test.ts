import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FiredTicks } from "../../src/store/fired-ticks.ts";

const dir = mkdtempSync(join(tmpdir(), "dagu-fired-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a scheduled time is claimed once; markers past the retention are pruned", () => {
  const f = new FiredTicks(dir);
  const t = new Date("2026-11-21T10:00:00Z");
  expect(f.claim("etl", t, "a")).toBe(true);
  expect(f.claim("etl", t, "b")).toBe(false);
  expect(f.wasFired("etl", t)).toBe(true);
  expect(f.claim("etl", new Date("2026-11-21T10:01:00Z"), "b")).toBe(true);
  f.prune(new Date("2026-11-28T10:00:30Z"), 7 * 86_400_000);
  expect(readdirSync(join(dir, "etl"))).toEqual(["20261121T100100Z"]);
});

test("two processes claiming the same 200 ticks: each tick exactly once", async () => {
  const d = join(dir, "race");
  const script = `
    import { FiredTicks } from ${JSON.stringify(join(import.meta.dir, "../../src/store/fired-ticks.ts"))};
    const f = new FiredTicks(${JSON.stringify(d)});
    let n = 0;
    for (let i = 0; i < 200; i++) if (f.claim("dag", new Date(Date.UTC(2026, 0, 1, 0, i)), String(process.pid))) n++;
    console.log(n);`;
  const procs = [0, 1].map(() => Bun.spawn([process.execPath, "-e", script], { stdout: "pipe" }));
  const counts = (await Promise.all(procs.map((p) => new Response(p.stdout).text()))).map((t) => Number(t.trim()));
  expect(counts[0]! + counts[1]!).toBe(200);
  expect(readdirSync(join(d, "dag"))).toHaveLength(200);
});
