/**
 * @module store/status-file
 * status.jsonl: one full snapshot per line, the last complete line is current. Writes are
 * appends (a crash leaves at most a torn last line, which readers skip); the engine decides
 * how often to write. Closing compacts the file to its final line with write-to-temp +
 * rename, so a finished run is one line, as in Dagu.
 */
import { closeSync, openSync, readFileSync, readSync, renameSync, writeSync } from "node:fs";
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
 * The run status of a status file's FIRST snapshot, from its first bytes (the run's own
 * `status` comes before its steps' in every snapshot, ours and Dagu's); undefined when it
 * cannot be told that way. A final status there means the file was compacted to its final
 * line: snapshots are only appended after a running or queued one.
 */
export function readHeadStatus(path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const head = headBuf.toString("latin1", 0, readSync(fd, headBuf, 0, headBytes, 0));
    const m = /"attemptId":"[^"]*","status":(\d+)/.exec(head);
    return m ? Number(m[1]) : undefined;
  } finally {
    closeSync(fd);
  }
}

export class StatusFileWriter {
  private fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  /** Append a snapshot. */
  write(record: RunRecord): void {
    if (this.fd < 0) return;
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  /**
   * Write the final snapshot and compact the file to it: write-to-temp then rename, so any
   * reader (or a crash of this process at any instant) sees either the full history or the
   * final line, never half a file. No fsync: a killed process loses nothing that reached the
   * page cache, and ext4 orders a rename-over after the new file's data; syncing would cost
   * more than a whole short run.
   */
  close(final: RunRecord): void {
    if (this.fd < 0) return;
    this.write(final);
    closeSync(this.fd);
    this.fd = -1;
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    writeSync(fd, `${JSON.stringify(final)}\n`);
    closeSync(fd);
    renameSync(tmp, this.path);
  }
}
