/**
 * @module engine/run-log
 * The run's own log (`DAG_RUN_LOG_FILE`): one `time=… level=… msg=…` line per run and step
 * event, in the same key=value style as Dagu's. Lines are buffered and written in batches
 * (a write per event would cost a system call per step); failing to write never fails the run.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

const flushMs = 50;

export class RunLog {
  private fd = -1;
  private pending: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, "a");
    } catch {
      this.fd = -1;
    }
  }

  write(level: "INFO" | "WARN" | "ERROR", msg: string, fields: Readonly<Record<string, string | number>> = {}): void {
    if (this.fd < 0) return;
    const kv = Object.entries(fields)
      .map(([k, v]) => ` ${k}=${typeof v === "number" || /^[\w./:-]+$/.test(v) ? v : JSON.stringify(v)}`)
      .join("");
    this.pending.push(`time=${new Date().toISOString()} level=${level} msg=${JSON.stringify(msg)}${kv}\n`);
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), flushMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd < 0 || this.pending.length === 0) return;
    const text = this.pending.join("");
    this.pending = [];
    try {
      writeSync(this.fd, text);
    } catch {
      // A full disk must not fail the run.
    }
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
