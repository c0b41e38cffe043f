/**
 * @module engine/log-sink
 * Where a step's stream goes: its log file (created on first write, or empty at the end, so
 * quiet steps cost no open on the hot path), an optional `stdout:`/`stderr:` copy, and for
 * stdout an in-memory capture of the attempt's first `maxOutputSize` bytes for `output:`.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import type { OutputSink } from "../executors/executor.ts";

export class LogSink implements OutputSink {
  private fd = -1;
  private teeFd = -1;
  private captured: Uint8Array[] = [];
  private capturedBytes = 0;

  constructor(
    readonly path: string,
    private readonly teePath: string | undefined,
    /** Bytes of the current attempt kept for `output:`; 0 keeps none. */
    private readonly captureLimit: number,
  ) {}

  write(chunk: Uint8Array): void {
    if (this.fd < 0) this.fd = openSync(this.path, "a");
    writeSync(this.fd, chunk);
    if (this.teePath !== undefined) {
      if (this.teeFd < 0) this.teeFd = openSync(this.teePath, "a");
      writeSync(this.teeFd, chunk);
    }
    if (this.capturedBytes < this.captureLimit) {
      const part = chunk.subarray(0, this.captureLimit - this.capturedBytes);
      this.captured.push(part.slice());
      this.capturedBytes += part.length;
    }
  }

  /** A new attempt (retry, repeat): the log keeps growing, the capture starts over. */
  newAttempt(): void {
    this.captured = [];
    this.capturedBytes = 0;
  }

  /** The captured stdout of the current attempt, trimmed, as Dagu stores outputs. */
  capturedText(): string {
    return Buffer.concat(this.captured).toString("utf8").trim();
  }

  /**
   * Close, making sure the files exist (Dagu's layout has a log per stream even when empty).
   * A file never written is created off the main thread; the returned promise settles when
   * it exists, so the next step need not wait for it.
   */
  close(): Promise<void> | undefined {
    const pending: Promise<void>[] = [];
    if (this.fd >= 0) closeSync(this.fd);
    else pending.push(appendFile(this.path, ""));
    this.fd = -1;
    if (this.teeFd >= 0) closeSync(this.teeFd);
    else if (this.teePath !== undefined) pending.push(appendFile(this.teePath, ""));
    this.teeFd = -1;
    return pending.length > 0 ? Promise.all(pending).then(() => undefined) : undefined;
  }
}
