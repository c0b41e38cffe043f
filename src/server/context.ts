/**
 * @module server/context
 * What every route handler shares: configuration, the stores, the DAG catalog and run index
 * (both cached), authentication (users, API keys), the server's start time, and a structured
 * logger (text or JSON lines).
 */
import { type AuthSystem, createAuthSystem } from "../auth/auth-system.ts";
import type { ServerConfig } from "../config/config-file.ts";
import type { DaguPaths } from "../config/paths.ts";
import { FileRunStore } from "../store/file-run-store.ts";
import type { RunStore } from "../store/run-store.ts";
import { DagCatalog } from "./dag-catalog.ts";
import { RunIndex } from "./run-index.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>) => void;

export interface ServerContext {
  readonly config: ServerConfig;
  readonly paths: DaguPaths;
  readonly store: RunStore;
  readonly dags: DagCatalog;
  readonly runs: RunIndex;
  readonly auth: AuthSystem;
  readonly startedAt: number;
  readonly version: string;
  readonly log: Logger;
  /** Whether a scheduler runs in this process (start-all). */
  schedulerRunning: boolean;
}

function textValue(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return /[\s"=]/.test(s) ? JSON.stringify(s) : s;
}

/** Log lines as Dagu writes them: `time=… level=INFO msg="…" k=v` or one JSON object per line. */
export function makeLogger(format: "text" | "json", debug: boolean, out: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return (level, msg, fields = {}) => {
    if (level === "debug" && !debug) return;
    const time = new Date().toISOString();
    if (format === "json") {
      out(`${JSON.stringify({ time, level: level.toUpperCase(), msg, ...fields })}\n`);
      return;
    }
    const kv = Object.entries(fields)
      .map(([k, v]) => `${k}=${textValue(v)}`)
      .join(" ");
    out(`time=${time} level=${level.toUpperCase()} msg=${textValue(msg)}${kv ? ` ${kv}` : ""}\n`);
  };
}

export function makeContext(config: ServerConfig, version: string, log: Logger): ServerContext {
  const paths = config.paths;
  const store = new FileRunStore(paths.dagRunsDir, paths.logDir);
  return {
    config,
    paths,
    store,
    dags: new DagCatalog(paths),
    runs: new RunIndex(paths.dagRunsDir, paths.procDir, store),
    auth: createAuthSystem(config.auth, paths),
    startedAt: Date.now(),
    version,
    log,
    schedulerRunning: false,
  };
}
