/**
 * @module bench/startup
 * `bun bench/startup.ts [--runs N]` (npm run bench:startup): wall time of `dist/dagu version`,
 * spawn to exit, next to the reference Go Dagu 1.30.2. Start-up is paid by every CLI call and
 * every step that runs a sub-DAG, so it has a budget: median ≤ 30 ms.
 *
 * Runs alternate between the two binaries so background load on a shared machine hits both
 * alike. The reference's real binary is called directly when cached, so the bash wrapper in
 * ../shared/tools is not counted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, findReference, oursPath as ours, percentile, positiveIntFlag } from "./lib.ts";

const TARGET_MEDIAN_MS = 30;
const runs = positiveIntFlag("--runs", 50);

const home = mkdtempSync(join(tmpdir(), "dagu-bench-"));
const env = { ...process.env, DAGU_HOME: home };

async function timeOnce(bin: string): Promise<number> {
  const t0 = performance.now();
  const p = Bun.spawn([bin, "version"], { env, cwd: home, stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  const code = await p.exited;
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`${bin} version exited ${code}`);
  return ms;
}

ensureBuilt();
const ref = findReference();
const bins = [{ label: "dagu (this)", path: ours, note: "" }, ...(ref ? [{ label: "dagu-ref 1.30.2", ...ref }] : [])];

const samples = new Map<string, number[]>(bins.map((b) => [b.path, []]));
try {
  // Warm the page cache first so run 1 does not measure a cold 100 MB read.
  for (const b of bins) for (let i = 0; i < 3; i++) await timeOnce(b.path);
  for (let i = 0; i < runs; i++) for (const b of bins) samples.get(b.path)?.push(await timeOnce(b.path));
} finally {
  rmSync(home, { recursive: true, force: true });
}

const stats = bins.map((b) => {
  const s = [...(samples.get(b.path) ?? [])].sort((x, y) => x - y);
  return { ...b, median: percentile(s, 50), p90: percentile(s, 90), min: s[0] ?? Number.NaN };
});
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(7)} ms`;
console.log(`\`<bin> version\`, ${runs} runs each, spawn → exit\n`);
console.log(`${"binary".padEnd(18)}${"median".padStart(10)}${"p90".padStart(10)}${"min".padStart(10)}`);
for (const s of stats) console.log(`${s.label.padEnd(18)}${fmt(s.median)}${fmt(s.p90)}${fmt(s.min)}${s.note}`);

const [mine, theirs] = stats;
if (mine && theirs) console.log(`\nratio (this / reference), median: ${(mine.median / theirs.median).toFixed(2)}×`);
else console.log("\nreference binary not found; ran ours only");
if (mine) {
  const ok = mine.median <= TARGET_MEDIAN_MS;
  console.log(`target: median ≤ ${TARGET_MEDIAN_MS} ms → ${ok ? "met" : "MISSED"} (${mine.median.toFixed(1)} ms)`);
}
