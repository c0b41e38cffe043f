/**
 * @module store/run-layout
 * Names and paths of a run's files, exactly as Dagu 1.30 lays them out (FEATURES.md §9), so a
 * Dagu home and ours are interchangeable. All times in UTC.
 */
import { join } from "node:path";

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** `20261121_195504` */
export function stamp(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** `20261121.195504.845` */
export function dottedStamp(d: Date): string {
  return `${stamp(d).replace("_", ".")}.${pad(d.getUTCMilliseconds(), 3)}`;
}

export function runDirName(createdAt: Date, runId: string): string {
  return `dag-run_${stamp(createdAt)}Z_${runId}`;
}

export function attemptDirName(createdAt: Date, attemptId: string): string {
  return `attempt_${stamp(createdAt)}_${pad(createdAt.getUTCMilliseconds(), 3)}Z_${attemptId}`;
}

/** `data/dag-runs/<dag>/dag-runs/YYYY/MM/DD/dag-run_…` */
export function runDir(dagRunsDir: string, dagName: string, createdAt: Date, runId: string): string {
  return join(
    dagRunsDir,
    dagName,
    "dag-runs",
    String(createdAt.getUTCFullYear()),
    pad(createdAt.getUTCMonth() + 1),
    pad(createdAt.getUTCDate()),
    runDirName(createdAt, runId),
  );
}

/** Sub-DAG runs live under their root run: `…/children/child_<runId>`. */
export function childRunDir(rootRunDir: string, childRunId: string): string {
  return join(rootRunDir, "children", `child_${childRunId}`);
}

/** `logs/<dag>/dag-run_<stamp>Z_<runId>` */
export function runLogDir(logDir: string, dagName: string, createdAt: Date, runId: string): string {
  return join(logDir, dagName, runDirName(createdAt, runId));
}

export function runLogFile(runLogDirPath: string, at: Date, runId: string): string {
  return join(runLogDirPath, `dag-run_${dottedStamp(at)}.${runId.slice(0, 8)}.log`);
}

/** Step logs of one attempt: `run_<stamp>Z_<attemptId>/` */
export function attemptLogDir(runLogDirPath: string, at: Date, attemptId: string): string {
  return join(runLogDirPath, `run_${stamp(at)}Z_${attemptId}`);
}

/** File-safe step name: anything outside `[A-Za-z0-9_.-]` becomes `_`. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_");
}

export function stepLogBase(attemptLogDirPath: string, stepName: string, at: Date, runId: string): string {
  return join(attemptLogDirPath, `${safeName(stepName)}.${dottedStamp(at)}.${runId.slice(0, 8)}`);
}

/** Parse the time and id back out of a `dag-run_…` or `attempt_…` folder name. */
export function parseRunDirName(name: string): { readonly at: Date; readonly id: string } | undefined {
  const m = /^dag-run_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})Z_(.+)$/.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, id] = m;
  return { at: new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))), id: id as string };
}

/** The creation time in an `attempt_<stamp>_<ms>Z_<id>` folder name. */
export function parseAttemptTime(name: string): Date | undefined {
  const m = /^attempt_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})_(\d{3})Z_/.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms)));
}
