/**
 * @module bench/all
 * `bun bench/all.ts [--startup-runs N] [run-bench flags…]` (npm run bench): the start-up bench
 * (bench/startup.ts), then the run-engine bench (bench/run-bench.ts), one after the other so
 * they never compete for the CPU. `--startup-runs N` becomes the start-up bench's `--runs N`;
 * every other flag goes to run-bench. Exits non-zero if either one did.
 */
import { join } from "node:path";
import { flagValue, repoRoot } from "./lib.ts";

const args = process.argv.slice(2);
const startupRuns = flagValue("--startup-runs", args);
const i = args.indexOf("--startup-runs");
const runArgs = i >= 0 ? [...args.slice(0, i), ...args.slice(i + 2)] : args;

const benches: readonly (readonly string[])[] = [
  [join(repoRoot, "bench/startup.ts"), ...(startupRuns === undefined ? [] : ["--runs", startupRuns])],
  [join(repoRoot, "bench/run-bench.ts"), ...runArgs],
];
let failed = 0;
for (const [n, argv] of benches.entries()) {
  if (n > 0) console.log(`\n${"═".repeat(100)}\n`);
  const p = Bun.spawn([process.execPath, ...argv], { cwd: repoRoot, stdio: ["inherit", "inherit", "inherit"] });
  if ((await p.exited) !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
