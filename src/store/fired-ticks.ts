/**
 * @module store/fired-ticks
 * Exactly-once for scheduled runs: before a scheduler starts the run for (DAG, scheduled
 * time) it claims a marker file with an exclusive create. Two schedulers racing (or one
 * restarted mid-tick) can both try; the file system lets exactly one win. A marker holds the
 * owner and what the claim was for, so a claim whose launch never happened (the scheduler
 * died between claiming and spawning) can be found and launched later. Markers older than
 * the retention are pruned.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const stampOf = (d: Date): string => d.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
const stampPattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** What a claim was for: a run started, queued or restarted (a stop schedule has its own key). */
export type ClaimKind = "start" | "enqueue" | "restart" | "stop";

export interface FiredClaim {
  readonly scheduledAt: Date;
  readonly kind: ClaimKind | undefined;
  readonly owner: string;
  /** When the marker was written (ms since the epoch). */
  readonly claimedAt: number;
}

export class FiredTicks {
  constructor(private readonly dir: string) {}

  /** True for the one caller that claims this tick; false if it was already fired. */
  claim(dagName: string, scheduledAt: Date, owner: string, kind?: ClaimKind): boolean {
    const dagDir = join(this.dir, dagName);
    const path = join(dagDir, stampOf(scheduledAt));
    const text = kind ? `${owner}\n${kind}` : owner;
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(path, text, { flag: "wx" });
        return true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EEXIST") return false;
        // The DAG's folder is created on its first claim only (a busy minute claims 1,000).
        if (code !== "ENOENT" || attempt > 0) throw e;
        mkdirSync(dagDir, { recursive: true });
      }
    }
  }

  /** Create a DAG's marker folder ahead of its first claim (keeps mkdir off the firing path). */
  prepare(dagName: string): void {
    mkdirSync(join(this.dir, dagName), { recursive: true });
  }

  wasFired(dagName: string, scheduledAt: Date): boolean {
    try {
      statSync(join(this.dir, dagName, stampOf(scheduledAt)));
      return true;
    } catch {
      return false;
    }
  }

  /** Claims of a DAG for scheduled times at or after `since`, oldest first. */
  recent(dagName: string, since: Date): FiredClaim[] {
    const dagDir = join(this.dir, dagName);
    const cutoff = stampOf(since);
    let names: string[];
    try {
      names = readdirSync(dagDir);
    } catch {
      return [];
    }
    const out: FiredClaim[] = [];
    for (const name of names.sort()) {
      const m = stampPattern.exec(name);
      if (!m || name < cutoff) continue;
      try {
        const path = join(dagDir, name);
        const [owner = "", kind] = readFileSync(path, "utf8").split("\n");
        const [, y, mo, d, h, mi, sec] = m.map(Number) as [number, number, number, number, number, number, number];
        out.push({
          scheduledAt: new Date(Date.UTC(y, mo - 1, d, h, mi, sec)),
          kind: kind === "start" || kind === "enqueue" || kind === "restart" || kind === "stop" ? kind : undefined,
          owner,
          claimedAt: statSync(path).mtimeMs,
        });
      } catch {
        // Pruned meanwhile.
      }
    }
    return out;
  }

  /** Mark a claim's launch as retried; true for the one caller that may retry it. */
  claimRetry(dagName: string, scheduledAt: Date, owner: string): boolean {
    try {
      writeFileSync(join(this.dir, dagName, `${stampOf(scheduledAt)}.retry`), owner, { flag: "wx" });
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
