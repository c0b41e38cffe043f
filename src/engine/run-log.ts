/**
 * @module engine/run-log
 * The run's own log (`DAG_RUN_LOG_FILE`): one `time=… level=… msg=…` line per run and step
 * event, in the same key=value style as Dagu's. Failing to write it never fails the run.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export class RunLog {
  private fd = -1;

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
    try {
      writeSync(this.fd, `time=${new Date().toISOString()} level=${level} msg=${JSON.stringify(msg)}${kv}\n`);
    } catch {
      // A full disk must not fail the run.
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
