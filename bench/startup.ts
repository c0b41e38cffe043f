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
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const TARGET_MEDIAN_MS = 30;
const repoRoot = resolve(import.meta.dir, "..");
const ours = join(repoRoot, "dist/dagu");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 50;
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");

/** The reference binary, preferring the cached Go executable over its wrapper script. */
function findReference(): { path: string; note: string } | undefined {
  const cached = join(process.env.DAGU_REF_CACHE ?? join(homedir(), ".cache/dagu-ref"), "1.30.2/package/bin/dagu");
  if (existsSync(cached)) return { path: cached, note: "" };
  const wrapper = resolve(repoRoot, "../shared/tools/dagu-ref");
  if (existsSync(wrapper)) return { path: wrapper, note: " (via wrapper script: includes bash start-up)" };
  return undefined;
}

function percentile(sorted: readonly number[], p: number): number {
  // Nearest-rank: with 50 samples p90 is the 45th value, an actual observation.
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

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

if (!existsSync(ours)) {
  console.log("dist/dagu missing; building it first");
  const b = Bun.spawnSync([process.execPath, "run", "build.ts"], { cwd: repoRoot, stdout: "inherit", stderr: "inherit" });
  if (b.exitCode !== 0) process.exit(1);
}
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
