/**
 * @module store/fired-ticks
 * Exactly-once for scheduled runs: before a scheduler starts the run for (DAG, scheduled
 * time) it claims a marker file with an exclusive create. Two schedulers racing (or one
 * restarted mid-tick) can both try; the file system lets exactly one win. Markers older than
 * the retention are pruned.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const stampOf = (d: Date): string => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

export class FiredTicks {
  constructor(private readonly dir: string) {}

  /** True for the one caller that claims this tick; false if it was already fired. */
  claim(dagName: string, scheduledAt: Date, owner: string): boolean {
    const dagDir = join(this.dir, dagName);
    mkdirSync(dagDir, { recursive: true });
    try {
      writeFileSync(join(dagDir, stampOf(scheduledAt)), owner, { flag: "wx" });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw e;
    }
  }

  wasFired(dagName: string, scheduledAt: Date): boolean {
    try {
      statSync(join(this.dir, dagName, stampOf(scheduledAt)));
      return true;
    } catch {
      return false;
    }
  }

  /** Delete markers older than `keepMs` (by their scheduled time). */
  prune(now: Date, keepMs: number): void {
    const cutoff = stampOf(new Date(now.getTime() - keepMs));
    let dags: string[];
    try {
      dags = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const d of dags) {
      try {
        for (const m of readdirSync(join(this.dir, d))) if (m < cutoff) rmSync(join(this.dir, d, m), { force: true });
      } catch {
        // A DAG folder removed meanwhile.
      }
    }
  }
}
