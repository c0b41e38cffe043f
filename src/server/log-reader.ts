/**
 * @module server/log-reader
 * A window of a log file as Dagu's `Log` schema: `tail` N last lines, `head` N first lines,
 * or `offset` (1-based line) + `limit` (default 1000), with the total line count and whether
 * more lines exist. A log that was never written (quiet steps create none) reads as empty.
 * Huge files are read from the end for `tail`, and only their first bytes otherwise.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";

export interface LogWindow {
  readonly head?: number;
  readonly tail?: number;
  readonly offset?: number;
  readonly limit?: number;
}

export interface LogResult {
  content: string;
  lineCount?: number;
  totalLines?: number;
  hasMore?: boolean;
  isEstimate?: boolean;
}

const maxRead = 32 * 1024 * 1024;

function readRange(path: string, start: number, length: number): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, start);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

export function readLog(path: string, w: LogWindow): LogResult {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return { content: "" };
  }
  if (size === 0) return { content: "", lineCount: 0, totalLines: 0, hasMore: false, isEstimate: false };
  const big = size > maxRead;
  const text = big ? (w.tail ? readRange(path, size - maxRead, maxRead).replace(/^[^\n]*\n/, "") : readRange(path, 0, maxRead)) : readRange(path, 0, size);
  const lines = splitLines(text);
  const total = lines.length;
  let picked: string[];
  let hasMore: boolean;
  if (w.tail && w.tail > 0) {
    picked = lines.slice(Math.max(0, total - w.tail));
    hasMore = total > w.tail || big;
  } else if (w.head && w.head > 0) {
    picked = lines.slice(0, w.head);
    hasMore = total > w.head || big;
  } else {
    const offset = w.offset && w.offset > 0 ? w.offset : 1;
    const limit = w.limit && w.limit > 0 ? w.limit : 1000;
    picked = lines.slice(offset - 1, offset - 1 + limit);
    hasMore = offset - 1 + limit < total || big;
  }
  const out: LogResult = { content: picked.join("\n"), lineCount: picked.length, totalLines: total };
  if (hasMore) out.hasMore = true;
  if (big) out.isEstimate = true;
  return out;
}
