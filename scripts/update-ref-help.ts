/**
 * @module scripts/update-ref-help
 * Refresh tests/e2e/dagu-ref-help.json, the checked-in copy of the reference Dagu's `--help`
 * output. The e2e CLI test compares against the live reference when ../shared/tools/dagu-ref
 * exists and falls back to this snapshot elsewhere, so the two must stay in step:
 *
 *   bun scripts/update-ref-help.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repoRoot = resolve(import.meta.dir, "..");
const ref = resolve(repoRoot, "../shared/tools/dagu-ref");
/** Every Dagu 1.30.2 command (minus cobra's generated `completion`), plus the one sub-command. */
const paths = [
  "cleanup", "coordinator", "dequeue", "dry", "enqueue", "exec", "migrate", "migrate history", "restart", "retry",
  "scheduler", "server", "start", "start-all", "status", "stop", "validate", "version", "worker",
];

// Its own DAGU_HOME, so the reference never touches the user's data.
const home = mkdtempSync(join(tmpdir(), "dagu-ref-home-"));
const help: Record<string, string> = {};
try {
  for (const p of ["", ...paths]) {
    const r = Bun.spawnSync([ref, ...p.split(" ").filter(Boolean), "--help"], { env: { ...process.env, DAGU_HOME: home } });
    if (r.exitCode !== 0) throw new Error(`dagu-ref ${p} --help exited ${r.exitCode}: ${r.stderr.toString()}`);
    help[p] = r.stdout.toString();
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
writeFileSync(join(repoRoot, "tests/e2e/dagu-ref-help.json"), `${JSON.stringify(help, null, 2)}\n`);
console.log(`wrote ${Object.keys(help).length} help texts to tests/e2e/dagu-ref-help.json`);
