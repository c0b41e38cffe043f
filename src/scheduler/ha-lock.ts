/**
 * @module scheduler/ha-lock
 * One active scheduler per DAGU_HOME: a lock directory (`data/scheduler/locks/active`) whose
 * holder refreshes a heartbeat file. Another scheduler waits; when the heartbeat is older
 * than the stale threshold (the holder died or hangs), it takes the lock over. Taking and
 * stealing are atomic renames/mkdirs, so two standbys never both win.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface HaLockOptions {
  readonly dir: string;
  /** Holder id written into the lock (host@pid). */
  readonly owner: string;
  /** A heartbeat older than this is stale (Dagu: 30 s). */
  readonly staleMs: number;
  /** How often the holder refreshes, and a standby retries (Dagu: 5 s). */
  readonly retryMs: number;
  readonly now?: () => number;
}

export class HaLock {
  private timer: ReturnType<typeof setInterval> | undefined;
  private held = false;
  private readonly lockDir: string;

  constructor(private readonly opts: HaLockOptions) {
    this.lockDir = join(opts.dir, "active");
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private beat(): void {
    writeFileSync(join(this.lockDir, "heartbeat"), JSON.stringify({ owner: this.opts.owner, at: this.now() }));
  }

  /** Who holds the lock and when it last beat, if anyone. */
  holder(): { owner: string; at: number } | undefined {
    try {
      return JSON.parse(readFileSync(join(this.lockDir, "heartbeat"), "utf8")) as { owner: string; at: number };
    } catch {
      try {
        // A holder that died between mkdir and its first beat: judge by the folder's age.
        return { owner: "?", at: statSync(this.lockDir).mtimeMs };
      } catch {
        return undefined;
      }
    }
  }

  /** One attempt: true when this process now holds the lock. */
  tryAcquire(): boolean {
    mkdirSync(this.opts.dir, { recursive: true });
    try {
      mkdirSync(this.lockDir);
      this.beat();
      this.held = true;
      return true;
    } catch {
      // Held by someone: stale?
    }
    const h = this.holder();
    if (h && this.now() - h.at <= this.opts.staleMs) return false;
    // Move the stale lock aside atomically; of several standbys only one rename succeeds.
    const grave = join(this.opts.dir, `stale-${this.opts.owner.replace(/[^\w.-]/g, "_")}-${this.now()}`);
    try {
      renameSync(this.lockDir, grave);
    } catch {
      return false;
    }
    rmSync(grave, { recursive: true, force: true });
    return this.tryAcquire();
  }

  /** Wait until the lock is ours, then keep it fresh. Resolves false if `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (this.tryAcquire()) {
        this.timer = setInterval(() => this.refresh(), this.opts.retryMs);
        return true;
      }
      await new Promise((r) => setTimeout(r, this.opts.retryMs));
    }
    return false;
  }

  /** Still ours? (A holder that lost it — e.g. stalled past the threshold — must stop scheduling.) */
  stillHeld(): boolean {
    if (!this.held) return false;
    const h = this.holder();
    return h !== undefined && h.owner === this.opts.owner;
  }

  private refresh(): void {
    if (!this.stillHeld()) {
      this.held = false;
      return;
    }
    try {
      this.beat();
    } catch {
      this.held = false;
    }
  }

  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stillHeld()) rmSync(this.lockDir, { recursive: true, force: true });
    this.held = false;
  }
}
