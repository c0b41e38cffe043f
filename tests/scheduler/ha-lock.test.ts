import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HaLock } from "../../src/scheduler/ha-lock.ts";

const dir = mkdtempSync(join(tmpdir(), "dagu-halock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("one holder at a time; a stale holder is replaced; the old holder notices", () => {
  let now = 1_000_000;
  const clock = (): number => now;
  const a = new HaLock({ dir, owner: "a", staleMs: 30_000, retryMs: 5_000, now: clock });
  const b = new HaLock({ dir, owner: "b", staleMs: 30_000, retryMs: 5_000, now: clock });
  expect(a.tryAcquire()).toBe(true);
  expect(b.tryAcquire()).toBe(false);
  now += 29_000;
  expect(b.tryAcquire()).toBe(false);
  now += 2_000;
  expect(b.tryAcquire()).toBe(true);
  expect(b.stillHeld()).toBe(true);
  expect(a.stillHeld()).toBe(false);
  b.release();
  expect(a.tryAcquire()).toBe(true);
  a.release();
});

test("many standbys racing for a stale lock: exactly one wins", async () => {
  const d = join(dir, "race");
  const first = new HaLock({ dir: d, owner: "dead", staleMs: 1000, retryMs: 5 });
  expect(first.tryAcquire()).toBe(true);
  // The holder "dies": its heartbeat ages past the racers' 1 s threshold.
  await Bun.sleep(1100);
  const script = `
    import { HaLock } from ${JSON.stringify(join(import.meta.dir, "../../src/scheduler/ha-lock.ts"))};
    const l = new HaLock({ dir: ${JSON.stringify(d)}, owner: "p" + process.pid, staleMs: 1000, retryMs: 5 });
    const won = l.tryAcquire();
    console.log(won ? "won" : "lost");`;
  const procs = Array.from({ length: 6 }, () => Bun.spawn([process.execPath, "-e", script], { stdout: "pipe" }));
  const outs = await Promise.all(procs.map((p) => new Response(p.stdout).text()));
  expect(outs.filter((o) => o.trim() === "won")).toHaveLength(1);
});
