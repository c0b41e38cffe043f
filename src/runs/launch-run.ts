/**
 * @module runs/launch-run
 * Start a run as its own `dagu start` process, detached from the caller: the scheduler, the
 * queue processor and the server launch runs this way, so restarting them never kills a run
 * (ARCHITECTURE.md, process model). The child writes its own record; the caller only learns
 * its pid, or waits for it to finish (backfill).
 */
import type { DaguPaths } from "../config/paths.ts";
import { selfCommand } from "./self-command.ts";

export interface LaunchRequest {
  /** DAG file (absolute path) or name in the DAGs folder. */
  readonly dag: string;
  readonly runId: string;
  /** Params as one string, as `dagu start -p` takes them. */
  readonly params?: string;
  readonly paths: DaguPaths;
  /** More `dagu start` flags (e.g. `--queued` for a run taken from a queue). */
  readonly extraArgs?: readonly string[];
  /** Extra environment for the run (e.g. the scheduled time). */
  readonly env?: Readonly<Record<string, string>>;
}

function argvFor(req: LaunchRequest): string[] {
  return [
    ...selfCommand(),
    "start",
    "-q",
    `--run-id=${req.runId}`,
    ...(req.params ? ["-p", req.params] : []),
    ...(req.extraArgs ?? []),
    req.dag,
  ];
}

function envFor(req: LaunchRequest): Record<string, string | undefined> {
  return { ...process.env, ...(req.paths.unifiedHome ? { DAGU_HOME: req.paths.unifiedHome } : {}), ...req.env };
}

/** Fire and forget: the run lives on if the caller exits. */
export function launchRun(req: LaunchRequest): { readonly pid: number } {
  const proc = Bun.spawn(argvFor(req), { env: envFor(req), stdin: "ignore", stdout: "ignore", stderr: "ignore", detached: true });
  proc.unref();
  return { pid: proc.pid };
}

/** Start and wait; resolves with `dagu start`'s exit code. */
export async function runToCompletion(req: LaunchRequest): Promise<number> {
  const proc = Bun.spawn(argvFor(req), { env: envFor(req), stdin: "ignore", stdout: "ignore", stderr: "inherit", detached: true });
  return proc.exited;
}
