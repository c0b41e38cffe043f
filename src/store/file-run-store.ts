/**
 * @module store/file-run-store
 * RunStore on plain files under DAGU_HOME in Dagu's layout. Folder names carry the time and
 * id, so listing the last N runs reads N status files and a handful of directories, never
 * the whole history. Nothing here takes a lock a writer needs.
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { DaguError } from "../core/errors.ts";
import { isFinal, type RunStatus } from "../core/status.ts";
import type { DagRunRef, RunRecord } from "../core/run-record.ts";
import { attemptDirName, attemptLogDir, childRunDir, parseAttemptTime, parseRunDirName, runDir, runLogDir, runLogFile } from "./run-layout.ts";
import { type AttemptWriter, type CreateRunOptions, type ListRunsOptions, RunExistsError, type RunStore, type StoredRun } from "./run-store.ts";
import { readBytesAt, readHeadStatus, readStatusFile, StatusFileWriter } from "./status-file.ts";

function listDesc(dir: string, filter: (n: string) => boolean = () => true): string[] {
  try {
    return readdirSync(dir).filter(filter).sort().reverse();
  } catch {
    return [];
  }
}

const isDigits = (n: string): boolean => /^\d+$/.test(n);

function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}

/** Whether a file's last byte is not a newline (a torn last line); false when empty or unreadable. */
function endsMidLine(path: string): boolean {
  const last = readBytesAt(path, -1, 1);
  return last !== undefined && last.length === 1 && last[0] !== 0x0a;
}

/** Write JSON atomically: a reader sees the old file or the new one, never half of one. */
function writeJsonAtomic(path: string, value: unknown, indent?: number): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, indent));
  renameSync(tmp, path);
}

export class FileRunStore implements RunStore {
  constructor(
    private readonly dagRunsDir: string,
    private readonly logDir: string,
  ) {}

  createRun(dagName: string, runId: string, at: Date, opts: CreateRunOptions = {}): AttemptWriter {
    let dir: string;
    if (opts.root && opts.root.id !== runId) {
      const root = this.findRun(opts.root.name, opts.root.id);
      if (!root) throw new DaguError(`root run ${opts.root.name}:${opts.root.id} not found`);
      dir = childRunDir(root.runDir, runId);
      if (existsSync(dir)) throw new RunExistsError(`sub-DAG run ${runId} already exists under ${opts.root.name}:${opts.root.id}`);
    } else {
      if (opts.checkUnique !== false && this.findRun(dagName, runId)) throw new RunExistsError(`a run with id ${runId} already exists for DAG ${dagName}`);
      dir = runDir(this.dagRunsDir, dagName, at, runId);
    }
    mkdirSync(dir, { recursive: true });
    return this.createAttempt({ dagName, runId, runDir: dir, createdAt: at }, at, opts.logDir ? { logDir: opts.logDir } : {});
  }

  createAttempt(run: StoredRun, at: Date, opts: { readonly logDir?: string } = {}): AttemptWriter {
    const attemptId = randomHex(3);
    const attemptDir = join(run.runDir, attemptDirName(at, attemptId));
    try {
      mkdirSync(attemptDir, { recursive: true });
    } catch (e) {
      throw new DaguError(`cannot create ${attemptDir}: ${(e as Error).message}`);
    }
    const logBase = runLogDir(opts.logDir ?? this.logDir, run.dagName, run.createdAt, run.runId);
    const stepLogDir = attemptLogDir(logBase, at, attemptId);
    let status: StatusFileWriter;
    try {
      mkdirSync(stepLogDir, { recursive: true });
      status = new StatusFileWriter(join(attemptDir, "status.jsonl"));
    } catch (e) {
      throw new DaguError(`cannot record the run: ${(e as Error).message}`);
    }
    return {
      dagName: run.dagName,
      runId: run.runId,
      attemptId,
      attemptDir,
      stepLogDir,
      runLogFile: runLogFile(logBase, at, run.runId),
      update: (r) => status.write(r),
      close: (r) => status.close(r),
      writeDag: (dag) => writeJsonAtomic(join(attemptDir, "dag.json"), dag),
      // Indented as Dagu writes it: users and scripts read this file.
      writeOutputs: (o) => writeJsonAtomic(join(attemptDir, "outputs.json"), o, 2),
    };
  }

  private *walkRunDirs(dagName: string): Generator<StoredRun> {
    const base = join(this.dagRunsDir, dagName, "dag-runs");
    for (const y of listDesc(base, isDigits)) {
      for (const m of listDesc(join(base, y), isDigits)) {
        for (const d of listDesc(join(base, y, m), isDigits)) {
          const dayDir = join(base, y, m, d);
          for (const name of listDesc(dayDir, (n) => n.startsWith("dag-run_"))) {
            const parsed = parseRunDirName(name);
            if (parsed) yield { dagName, runId: parsed.id, runDir: join(dayDir, name), createdAt: parsed.at };
          }
        }
      }
    }
  }

  findChildRun(root: DagRunRef, dagName: string, runId: string): StoredRun | undefined {
    const rootRun = this.findRun(root.name, root.id);
    if (!rootRun) return undefined;
    const dir = childRunDir(rootRun.runDir, runId);
    if (!existsSync(dir)) return undefined;
    // A child's folder name has no time: its first attempt's name does.
    const [first] = listDesc(dir, (n) => n.startsWith("attempt_")).reverse();
    const at = first ? parseAttemptTime(first) : rootRun.createdAt;
    return { dagName, runId, runDir: dir, createdAt: at ?? rootRun.createdAt };
  }

  findRun(dagName: string, runId: string): StoredRun | undefined {
    for (const run of this.walkRunDirs(dagName)) if (run.runId === runId) return run;
    return undefined;
  }

  listRuns(dagName: string, opts: ListRunsOptions = {}): StoredRun[] {
    const out: StoredRun[] = [];
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    for (const run of this.walkRunDirs(dagName)) {
      if (out.length >= limit) break;
      out.push(run);
    }
    return out;
  }

  latestAttemptDir(run: StoredRun): string | undefined {
    const [latest] = listDesc(run.runDir, (n) => n.startsWith("attempt_"));
    return latest ? join(run.runDir, latest) : undefined;
  }

  readLatest(run: StoredRun): RunRecord | undefined {
    // Newest attempt first; fall back to older attempts if its record is unreadable.
    for (const a of listDesc(run.runDir, (n) => n.startsWith("attempt_"))) {
      const path = join(run.runDir, a, "status.jsonl");
      if (!existsSync(path)) continue;
      const { record, skipped } = readStatusFile(path);
      if (skipped > 0) process.stderr.write(`warning: skipped ${skipped} unreadable line(s) in ${path}\n`);
      if (record) return record;
    }
    return undefined;
  }

  surelyFinished(run: StoredRun): boolean {
    const dir = this.latestAttemptDir(run);
    const head = dir ? readHeadStatus(join(dir, "status.jsonl")) : undefined;
    return head !== undefined && isFinal(head as RunStatus);
  }

  appendRecord(run: StoredRun, record: RunRecord): void {
    const dir = this.latestAttemptDir(run);
    if (!dir) throw new DaguError(`run ${run.runId} of ${run.dagName} has no attempt to update`);
    const path = join(dir, "status.jsonl");
    // The dead writer may have left half a line: the correction starts on a line of its own.
    appendFileSync(path, `${endsMidLine(path) ? "\n" : ""}${JSON.stringify(record)}\n`);
    // Its space reserve for a final record it will never write goes too.
    rmSync(`${path}.reserve`, { force: true });
  }

  private attemptDirById(run: StoredRun, attemptId: string): string | undefined {
    const name = listDesc(run.runDir, (n) => n.startsWith("attempt_") && n.endsWith(`Z_${attemptId}`))[0];
    return name ? join(run.runDir, name) : undefined;
  }

  claimAttempt(run: StoredRun, attemptId: string): boolean {
    const dir = this.attemptDirById(run, attemptId);
    if (!dir) return false;
    try {
      // Exclusive create: one winner across processes. Dagu ignores extra files in an attempt.
      closeSync(openSync(join(dir, ".claimed"), "wx"));
      return true;
    } catch {
      return false;
    }
  }

  hideAttempt(run: StoredRun, attemptId: string): void {
    const dir = this.attemptDirById(run, attemptId);
    if (!dir) return;
    renameSync(dir, join(run.runDir, `.${basename(dir)}`));
  }

  removeRun(run: StoredRun): void {
    rmSync(run.runDir, { recursive: true, force: true });
    rmSync(runLogDir(this.logDir, run.dagName, run.createdAt, run.runId), { recursive: true, force: true });
  }
}
