/**
 * @module store/status-file
 * status.jsonl: one full snapshot per line, the last complete line is current. Writes are
 * appends (a crash leaves at most a torn last line, which readers skip); the engine decides
 * how often to write. Closing compacts the file to its final line with write-to-temp +
 * rename, so a finished run is one line, as in Dagu.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import type { RunRecord } from "../core/run-record.ts";

export interface StatusFileReadResult {
  readonly record?: RunRecord;
  /** Lines that did not parse (a torn write after a crash, or corruption). */
  readonly skipped: number;
}

/** Read the newest complete snapshot; torn or corrupt lines are skipped, never fatal. */
export function readStatusFile(path: string): StatusFileReadResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { skipped: 0 };
  }
  const lines = text.split("\n");
  let skipped = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    try {
      const parsed = JSON.parse(line) as RunRecord;
      if (parsed && typeof parsed === "object" && typeof parsed.dagRunId === "string") return { record: parsed, skipped };
      skipped++;
    } catch {
      skipped++;
    }
  }
  return { skipped };
}

const headBytes = 1024;
// One buffer for every head read: a sweep reads thousands of them in a row.
const headBuf = Buffer.alloc(headBytes);

/**
 * Up to `length` bytes of a file from `position` (negative: counted from the end), into a
 * shared buffer valid until the next call; undefined when the file cannot be read.
 */
export function readBytesAt(path: string, position: number, length: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const at = position < 0 ? fstatSync(fd).size + position : position;
    if (at < 0) return headBuf.subarray(0, 0);
    return headBuf.subarray(0, readSync(fd, headBuf, 0, Math.min(length, headBytes), at));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The run status of a status file's FIRST snapshot, from its first bytes (the run's own
 * `status` comes before its steps' in every snapshot, ours and Dagu's); undefined when it
 * cannot be told that way. A final status there means the file was compacted to its final
 * line: snapshots are only appended after a running or queued one.
 */
export function readHeadStatus(path: string): number | undefined {
  const head = readBytesAt(path, 0, headBytes)?.toString("latin1");
  const m = head === undefined ? null : /"attemptId":"[^"]*","status":(\d+)/.exec(head);
  return m ? Number(m[1]) : undefined;
}

/** Space kept aside so the final record can still be written on a full disk. */
const minReserveBytes = 64 * 1024;

export class StatusFileWriter {
  private fd: number;
  /** A failed append may have left part of a line: the next one starts on a new line. */
  private torn = false;
  private readonly reservePath: string;
  private reserved = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
    this.reservePath = `${path}.reserve`;
  }

  /** Warn once per run of failures (the run goes on; readers keep the last good line). */
  private failed(e: unknown): void {
    if (!this.torn) process.stderr.write(`warning: cannot record the run in ${this.path}: ${(e as Error).message}\n`);
    this.torn = true;
  }

  /** Append a snapshot; a full disk costs this snapshot, never the ones before it. Returns the error. */
  write(record: RunRecord): string | undefined {
    if (this.fd < 0) return undefined;
    const line = `${this.torn ? "\n" : ""}${JSON.stringify(record)}\n`;
    try {
      writeSync(this.fd, line);
      this.torn = false;
    } catch (e) {
      this.failed(e);
      return (e as Error).message;
    }
    // Once the file holds a record, set space aside for the final one (freed at close).
    if (!this.reserved) {
      this.reserved = true;
      try {
        writeFileSync(this.reservePath, Buffer.alloc(Math.max(minReserveBytes, 3 * line.length)));
      } catch {
        rmSync(this.reservePath, { force: true });
      }
    }
    return undefined;
  }

  /**
   * Write the final snapshot and compact the file to it: write-to-temp then rename, so any
   * reader (or a crash of this process at any instant) sees either the full history or the
   * final line, never half a file. No fsync: a killed process loses nothing that reached the
   * page cache, and ext4 orders a rename-over after the new file's data; syncing would cost
   * more than a whole short run. On a full disk the reserve is given back first; if even
   * that is not enough the file keeps its last complete snapshot.
   */
  close(final: RunRecord): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    const text = `${JSON.stringify(final)}\n`;
    const tmp = `${this.path}.tmp`;
    const compact = (): void => {
      try {
        writeFileSync(tmp, text);
        renameSync(tmp, this.path);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw e;
      }
    };
    try {
      try {
        compact();
      } catch {
        rmSync(this.reservePath, { force: true });
        compact();
      }
    } catch (e) {
      this.failed(e);
    } finally {
      rmSync(this.reservePath, { force: true });
    }
  }
}
