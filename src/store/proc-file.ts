/**
 * @module store/proc-file
 * The heartbeat of a running run owner, in Dagu's format: an 8-byte big-endian Unix time,
 * rewritten every 15 s, removed when the run ends. A run recorded as running whose owner
 * process is gone (or whose heartbeat went stale) is dead.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const heartbeatIntervalMs = 15_000;

export class ProcHeartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly path: string) {}

  start(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    this.beat();
    this.timer = setInterval(() => this.beat(), heartbeatIntervalMs);
    this.timer.unref();
  }

  private beat(): void {
    const buf = Buffer.alloc(8);
    buf.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)));
    try {
      writeFileSync(this.path, buf);
    } catch {
      // A full disk must not kill the run; the heartbeat just goes stale.
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    rmSync(this.path, { force: true });
  }
}

/** Last heartbeat time (ms), or undefined when the file is missing or malformed. */
export function readHeartbeat(path: string): number | undefined {
  try {
    const buf = readFileSync(path);
    if (buf.length < 8) return undefined;
    return Number(buf.readBigUInt64BE(0)) * 1000;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists on this machine. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
