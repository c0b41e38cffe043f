/**
 * @module bench/parallel-bench
 * `parallel:` over 100 items with maxConcurrent 8, against the same work as 100 plain steps
 * with maxActiveSteps 8 (target: parallel ≤ 2× plain). Each item runs `sleep 0.1` in its own
 * child run, so the ratio shows what a child run costs on top of its work.
 *
 *   bun bench/parallel-bench.ts [--runs N]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, median, oursPath, positiveIntFlag, timeProcess } from "./lib.ts";

const runs = positiveIntFlag("--runs", 5);
const items = 100;
const work = "sleep 0.1";

const dir = mkdtempSync(join(tmpdir(), "dagu-bench-parallel-"));
const ids = Array.from({ length: items }, (_, i) => i);
writeFileSync(
  join(dir, "fanout.yaml"),
  `type: graph
steps:
  - name: fan
    call: item
    parallel:
      items: [${ids.join(", ")}]
      maxConcurrent: 8
---
name: item
steps:
  - name: work
    command: ${work}
`,
);
writeFileSync(join(dir, "plain.yaml"), `type: graph\nmaxActiveSteps: 8\nsteps:\n${ids.map((i) => `  - name: s${i}\n    command: ${work}`).join("\n")}\n`);

ensureBuilt();
const time = async (file: string): Promise<number> => {
  const home = mkdtempSync(join(dir, "home-"));
  const r = await timeProcess([oursPath, "start", "-q", file], { cwd: dir, env: { ...process.env, DAGU_HOME: home }, timeoutMs: 120_000 });
  rmSync(home, { recursive: true, force: true });
  if (r.exitCode !== 0) throw new Error(`${file} failed (${r.exitCode}): ${r.stderr}`);
  return r.ms;
};
const parallel: number[] = [];
const plain: number[] = [];
for (let i = 0; i < runs; i++) {
  parallel.push(await time("fanout.yaml"));
  plain.push(await time("plain.yaml"));
}
const p = median(parallel);
const q = median(plain);
console.log(`parallel: ${items} items × \`${work}\`, maxConcurrent 8, median of ${runs}: ${p.toFixed(0)} ms`);
console.log(`plain:    ${items} steps × \`${work}\`, maxActiveSteps 8, median of ${runs}: ${q.toFixed(0)} ms`);
console.log(`ratio parallel/plain: ${(p / q).toFixed(2)}×  (target ≤ 2.0×: ${p / q <= 2 ? "met" : "MISSED"})`);
rmSync(dir, { recursive: true, force: true });
