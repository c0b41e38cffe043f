/**
 * @module tests/e2e/harness
 * Shared by the end-to-end tests: where the compiled binary is, building it when a bare
 * `bun test` runs in a fresh clone, a private work folder and DAGU_HOME per test file, and a
 * synchronous runner that captures exit code and output.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dir, "../..");
export const bin = join(repoRoot, "dist/dagu");
export const refTool = resolve(repoRoot, "../shared/tools/dagu-ref");

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm test` builds first; a bare `bun test` in a fresh clone needs the binary too. */
export function ensureBuilt(): void {
  if (existsSync(bin)) return;
  const b = Bun.spawnSync([process.execPath, "run", "build.ts"], { cwd: repoRoot, stdout: "inherit", stderr: "inherit" });
  if (b.exitCode !== 0) throw new Error("build.ts failed");
}

/** A temp folder with `home/` as DAGU_HOME, so no run touches the user's Dagu data. */
export class Workspace {
  readonly dir: string;
  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `dagu-e2e-${prefix}-`));
  }

  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { ...process.env, DAGU_HOME: join(this.dir, "home"), ...extra };
  }

  run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Result {
    const r = Bun.spawnSync([cmd, ...args], { cwd: opts.cwd ?? this.dir, env: opts.env ?? this.env(), stdin: "ignore" });
    return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  }

  dagu(...args: string[]): Result {
    return this.run(bin, args);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
