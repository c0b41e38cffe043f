/**
 * @module cli/run-context
 * What the run commands share: paths from DAGU_HOME, the run store, and running a DAG in
 * this process with Ctrl-C / SIGTERM wired to a graceful stop and Dagu's tree summary printed.
 */
import { type DaguPaths, resolvePaths } from "../config/paths.ts";
import type { Dag } from "../core/dag.ts";
import type { DagRunRef, RunRecord } from "../core/run-record.ts";
import { NodeStatus, nodeStatusName, RunStatus, runStatusName, titleCase } from "../core/status.ts";
import { type ResumeFrom, runDag } from "../engine/run-dag.ts";
import { FileRunStore } from "../store/file-run-store.ts";
import { RunExistsError, type RunStore } from "../store/run-store.ts";
import { DaguError } from "../core/errors.ts";
import { renderRunTree } from "./run-tree.ts";

export interface CliRunContext {
  readonly paths: DaguPaths;
  readonly store: RunStore;
}

export function cliRunContext(daguHome: string | undefined): CliRunContext {
  const paths = resolvePaths(daguHome);
  return { paths, store: new FileRunStore(paths.dagRunsDir, paths.logDir) };
}

/**
 * Exit code for a final run, as `dagu start` has it: Dagu exits 1 when its runner saw a step
 * error, so a partial success exits 1 only when a step failed — not when it comes from a
 * sub-DAG that partially succeeded, which is no error of the parent's steps.
 */
export function exitCodeFor(status: RunStatus, error?: string): number {
  // Likewise an aborted run exits 0 (a stop, an unmet precondition) unless a handler failed
  // (a failing `init` handler aborts the run and exits 1).
  if (status === RunStatus.PartiallySucceeded || status === RunStatus.Aborted) return error ? 1 : 0;
  return status === RunStatus.Failed || status === RunStatus.Rejected ? 1 : 0;
}

export interface ForegroundRun {
  readonly dag: Dag;
  readonly runId: string;
  readonly paramOverrides: readonly string[];
  readonly quiet: boolean;
  readonly resume?: ResumeFrom;
  readonly generatedRunId?: boolean;
  readonly root?: DagRunRef;
  readonly parent?: DagRunRef;
  /**
   * How the command words a run that ended badly: given Dagu's "failed to execute the dag-run
   * … : <why>" and the bare why (retry adds a prefix, restart words it its own way, as Dagu's do).
   */
  readonly wrapError?: (message: string, why: string) => string;
  /** `--worker-id`: who runs it, recorded as the run's `workerId`. */
  readonly workerId?: string;
}

/**
 * Live progress on a terminal: one line per step state change, before the final summary.
 * Snapshots are already coalesced by the engine, so this never floods the terminal.
 */
function progressPrinter(): (r: RunRecord) => void {
  const seen = new Map<string, NodeStatus>();
  return (r) => {
    for (const n of r.nodes) {
      if (seen.get(n.step.name) === n.status) continue;
      seen.set(n.step.name, n.status);
      if (n.status === NodeStatus.NotStarted) continue;
      process.stdout.write(`\x1b[2m${new Date().toISOString().slice(11, 19)}\x1b[0m ${n.step.name} ${titleCase(nodeStatusName(n.status))}${n.error && n.status !== NodeStatus.Running ? `: ${n.error}` : ""}\n`);
    }
  };
}

/** Run in the foreground; returns the process exit code. */
export async function runInForeground(ctx: CliRunContext, run: ForegroundRun): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  let record: RunRecord;
  try {
    record = await runDag({
      dag: run.dag,
      runId: run.runId,
      store: ctx.store,
      paths: ctx.paths,
      paramOverrides: run.paramOverrides,
      processEnv: process.env,
      stop: stop.signal,
      ...(run.resume ? { resume: run.resume } : {}),
      ...(run.generatedRunId ? { generatedRunId: true } : {}),
      ...(run.workerId ? { workerId: run.workerId } : {}),
      ...(run.root && run.parent ? { root: run.root, parent: run.parent } : {}),
      ...(!run.quiet && process.stdout.isTTY ? { onSnapshot: progressPrinter() } : {}),
    });
  } catch (e) {
    // Dagu's wording, for every command that starts a run with a given id (start, exec).
    if (e instanceof RunExistsError && !run.root) throw new DaguError(`dag-run ID ${run.runId} already exists for DAG ${run.dag.name}`);
    throw e;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
  if (!run.quiet && process.stdout.isTTY) process.stdout.write("\n");
  // Dagu's PrintSummary writes the tree and then one more newline.
  if (!run.quiet) process.stdout.write(`${renderRunTree(record, { color: process.stdout.isTTY === true })}\n`);
  const code = exitCodeFor(record.status, record.error);
  // A bad run is an error of the command, as in Dagu: `Error: …` on stderr, unless -q (Dagu
  // exits 1 silently then).
  if (code !== 0 && !run.quiet) {
    const why = record.error ?? `the dag-run ended ${runStatusName(record.status)}`;
    const message = `failed to execute the dag-run ${record.name} (dag-run ID: ${record.dagRunId}): ${why}`;
    throw new DaguError(run.wrapError ? run.wrapError(message, why) : message);
  }
  return code;
}
