/**
 * @module engine/log-sink
 * Where a step's stream goes: its log file, an optional `stdout:`/`stderr:` copy, and for
 * stdout an in-memory capture of the attempt's first `maxOutputSize` bytes for `output:`.
 * The log file is created on the first byte: a step that prints nothing has no log file
 * (Dagu writes an empty one). Creating hundreds of empty files cost more than running the
 * steps; every reader here treats a missing log as empty.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { goFsError } from "../core/go-errno.ts";
import type { OutputSink } from "../executors/executor.ts";

export class LogSink implements OutputSink {
  private fd = -1;
  private teeFd = -1;
  private captured: Uint8Array[] = [];
  private capturedBytes = 0;

  constructor(
    /** Which stream this is, for messages (`stdout`, `stderr`). */
    private readonly stream: "stdout" | "stderr",
    readonly path: string,
    private readonly teePath: string | undefined,
    /** Bytes of the current attempt kept for `output:`; 0 keeps none. */
    private readonly captureLimit: number,
  ) {}

  /**
   * Open the `stdout:`/`stderr:` copy before the step starts: a copy that cannot be created
   * fails the step with Dagu's message, before anything runs.
   */
  openCopy(): void {
    if (this.teePath === undefined || this.teeFd >= 0) return;
    try {
      this.teeFd = openSync(this.teePath, "a");
    } catch (e) {
      const p = this.teePath;
      throw new Error(`failed to setup outputs: failed to setup ${this.stream} file: failed to open file "${p}": failed to create/open log file ${p}: ${goFsError(e)}`);
    }
  }

  /** Why the log stopped growing (a full disk): the rest of the output was read and dropped. */
  writeError: string | undefined;

  write(chunk: Uint8Array): void {
    // The pipe is drained whatever happens: a step must never block on a log that cannot grow.
    if (this.writeError === undefined) {
      try {
        if (this.fd < 0) this.fd = openSync(this.path, "a");
        writeSync(this.fd, chunk);
        if (this.teePath !== undefined) {
          if (this.teeFd < 0) this.teeFd = openSync(this.teePath, "a");
          writeSync(this.teeFd, chunk);
        }
      } catch (e) {
        this.writeError = (e as Error).message;
      }
    }
    if (this.captureLimit > 0 && this.capturedBytes <= this.captureLimit) {
      // One byte past the limit is kept, to tell "exactly the limit" from "over it".
      const part = chunk.subarray(0, this.captureLimit + 1 - this.capturedBytes);
      this.captured.push(part.slice());
      this.capturedBytes += part.length;
    }
  }

  /** Whether the attempt's stdout is longer than `output:` may capture (Dagu fails the step). */
  captureOverflowed(): boolean {
    return this.captureLimit > 0 && this.capturedBytes > this.captureLimit;
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

  /** Close; a `stdout:`/`stderr:` copy the user asked for exists afterwards, even if empty. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    try {
      if (this.teePath !== undefined && this.teeFd < 0) this.teeFd = openSync(this.teePath, "a");
    } catch (e) {
      this.writeError ??= (e as Error).message;
    }
    if (this.teeFd >= 0) closeSync(this.teeFd);
    this.teeFd = -1;
  }
}
