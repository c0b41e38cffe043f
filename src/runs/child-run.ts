/**
 * @module runs/child-run
 * Run a sub-DAG as its own recorded run, linked to its parent: a `dagu start` child process
 * (same binary) with `--root`/`--parent`, stored under the root run as Dagu does. The child's
 * id is derived from the parent run, the step and the params, so a retry of the parent finds
 * the child again: a child that already succeeded is not run twice; one that failed gets a
 * new attempt.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import type { DaguPaths } from "../config/paths.ts";
import { base58 } from "../core/base58.ts";
import type { DagRunRef, RunRecord } from "../core/run-record.ts";
import { RunStatus } from "../core/status.ts";
import { FileRunStore } from "../store/file-run-store.ts";
import { selfCommand } from "./self-command.ts";

/** Dagu's deterministic sub-run id: base58(sha256("<parent run id>:<step>:<params>")). */
export function subRunId(parentRunId: string, stepName: string, params: string): string {
  return base58(createHash("sha256").update(`${parentRunId}:${stepName}:${params}`).digest());
}

export interface ChildRunRequest {
  /** The file to run; with `localName`, the document of that name inside it. */
  readonly dagFile: string;
  readonly localName?: string;
  readonly runId: string;
  readonly root: DagRunRef;
  readonly parent: DagRunRef;
  readonly params: string;
  /**
   * The calling step's working folder: the child runs there and, without a `workingDir` of
   * its own, works there (Dagu's `--default-working-dir`), local document or file alike.
   */
  readonly workingDir: string;
  readonly paths: DaguPaths;
  readonly signal: AbortSignal;
  readonly stopSignal: NodeJS.Signals;
  readonly killAfterMs: number;
}

export interface ChildRunResult {
  /** The child's final record (undefined if it never got to write one). */
  readonly record?: RunRecord;
  /** The child process's stderr, for the error message when it failed to start. */
  readonly stderr: string;
  /** True when an earlier attempt had already succeeded and was reused. */
  readonly reused: boolean;
}

const done = new Set<number>([RunStatus.Succeeded, RunStatus.PartiallySucceeded]);

export async function runChild(req: ChildRunRequest): Promise<ChildRunResult> {
  const store = new FileRunStore(req.paths.dagRunsDir, req.paths.logDir);
  const existing = store.findChildRun(req.root, "", req.runId);
  const before = existing ? store.readLatest(existing) : undefined;
  if (before && done.has(before.status)) return { record: before, stderr: "", reused: true };
  const argv = [
    ...selfCommand(),
    "start",
    "-q",
    `--root=${req.root.name}:${req.root.id}`,
    `--parent=${req.parent.name}:${req.parent.id}`,
    `--run-id=${req.runId}`,
    ...(req.localName ? [`--local=${req.localName}`] : []),
    ...(req.workingDir ? [`--default-working-dir=${req.workingDir}`] : []),
    ...(req.params ? ["-p", req.params] : []),
    req.dagFile,
  ];
  // The child sees the invoking environment, not the parent step's (Dagu's isolation).
  const env: Record<string, string | undefined> = { ...process.env, ...(req.paths.unifiedHome ? { DAGU_HOME: req.paths.unifiedHome } : {}) };
  const cwd = req.workingDir && existsSync(req.workingDir) ? req.workingDir : undefined;
  const proc = Bun.spawn(argv, { env, ...(cwd ? { cwd } : {}), stdin: "ignore", stdout: "ignore", stderr: "pipe", detached: true });
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void => {
    // The child owner stops its own steps and records itself aborted.
    proc.kill(req.stopSignal);
    killTimer = setTimeout(() => proc.kill("SIGKILL"), req.killAfterMs + 2000);
  };
  req.signal.addEventListener("abort", onAbort, { once: true });
  const stderr = await new Response(proc.stderr).text();
  await proc.exited;
  req.signal.removeEventListener("abort", onAbort);
  if (killTimer) clearTimeout(killTimer);
  const run = store.findChildRun(req.root, "", req.runId);
  const record = run ? store.readLatest(run) : undefined;
  return { ...(record ? { record } : {}), stderr, reused: false };
}
