/**
 * @module server/run-index
 * The server's view of stored runs, fast at 10,000+ runs: folder listings and parsed records
 * are cached in memory and revalidated with a few `stat` calls, never by re-reading history.
 * - A DAG's run list is rebuilt only when one of the folders on its newest path
 *   (`dag-runs`, latest year, month, day) changed; runs are only ever created "now", so a
 *   new run always changes one of them. A run removed from an older day is dropped when its
 *   record turns out unreadable.
 * - A run's record is re-read only when its folder (a new attempt) or its newest
 *   `status.jsonl` (mtime, size) changed.
 * Running records are corrected for dead owners on every read (runs/run-lookup.ts). List
 * views may pass `maxAgeMs` to skip even the `stat` calls for entries checked that recently.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RunRecord } from "../core/run-record.ts";
import { isFinal, RunStatus } from "../core/status.ts";
import { readRun } from "../runs/run-lookup.ts";
import { parseRunDirName } from "../store/run-layout.ts";
import type { RunStore, StoredRun } from "../store/run-store.ts";

export interface IndexedRun extends StoredRun {
  /** Seconds-precision creation time from the folder name (ms since epoch). */
  readonly createdMs: number;
}

interface DagEntry {
  /** When the entry was last proven current (ms). */
  checkedAt: number;
  /** Folders whose mtimes prove the list current, and those mtimes. */
  readonly watched: readonly string[];
  readonly sigs: readonly string[];
  readonly runs: readonly IndexedRun[];
}

interface RecordEntry {
  checkedAt: number;
  readonly dirSig: string;
  readonly fileSig: string;
  readonly attemptDir: string;
  readonly raw: RunRecord;
  /** `raw` was read from `attemptDir` (not from an older attempt, as readLatest falls back). */
  readonly ownRecord: boolean;
}

const isDigits = (n: string): boolean => /^\d+$/.test(n);

function mtimeSig(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.ino}`;
  } catch {
    return "-";
  }
}

function fileSig(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return "-";
  }
}

function listDesc(dir: string, filter: (n: string) => boolean): string[] {
  try {
    return readdirSync(dir).filter(filter).sort().reverse();
  } catch {
    return [];
  }
}

export interface ListFilter {
  /** Substring of the DAG name (`/dag-runs?name=`). */
  readonly nameContains?: string;
  /** Exact DAG name (`/dag-runs/{name}`). */
  readonly exactName?: string;
  readonly status?: number;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly runIdContains?: string;
  readonly limit: number;
  /** Accept cached folder listings and records proven current this recently (ms). */
  readonly maxAgeMs?: number;
}

export class RunIndex {
  private readonly dags = new Map<string, DagEntry>();
  private readonly records = new Map<string, RecordEntry>();
  private dagNamesCache: { sig: string; names: string[]; checkedAt: number } | undefined;

  constructor(
    readonly dagRunsDir: string,
    readonly procDir: string,
    private readonly store: RunStore,
  ) {}

  /**
   * Names of DAGs that have run history. `maxAgeMs`: trust a cached answer proven current
   * that recently (list views accept a second of staleness for runs made elsewhere).
   */
  dagNames(maxAgeMs = 0): string[] {
    const now = Date.now();
    if (this.dagNamesCache && now - this.dagNamesCache.checkedAt < maxAgeMs) return this.dagNamesCache.names;
    const sig = mtimeSig(this.dagRunsDir);
    if (this.dagNamesCache?.sig === sig) {
      this.dagNamesCache.checkedAt = now;
      return this.dagNamesCache.names;
    }
    let names: string[] = [];
    try {
      names = readdirSync(this.dagRunsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      names = [];
    }
    this.dagNamesCache = { sig, names, checkedAt: now };
    return names;
  }

  /** A DAG's runs, newest first. */
  runsOf(dagName: string, maxAgeMs = 0): readonly IndexedRun[] {
    const base = join(this.dagRunsDir, dagName, "dag-runs");
    const cached = this.dags.get(dagName);
    const now = Date.now();
    if (cached && now - cached.checkedAt < maxAgeMs) return cached.runs;
    if (cached && cached.watched.every((d, i) => mtimeSig(d) === cached.sigs[i])) {
      cached.checkedAt = now;
      return cached.runs;
    }
    // The newest path: dag-runs → newest year → newest month → newest day. A new run
    // changes the mtime of one of these folders (runs are created "now").
    const watched = [base];
    let dir = base;
    for (let depth = 0; depth < 3; depth++) {
      const [newest] = listDesc(dir, isDigits);
      if (newest === undefined) break;
      dir = join(dir, newest);
      watched.push(dir);
    }
    const sigs = watched.map(mtimeSig);
    const runs: IndexedRun[] = [];
    for (const y of listDesc(base, isDigits)) {
      for (const m of listDesc(join(base, y), isDigits)) {
        for (const d of listDesc(join(base, y, m), isDigits)) {
          const dayDir = join(base, y, m, d);
          for (const name of listDesc(dayDir, (n) => n.startsWith("dag-run_"))) {
            const parsed = parseRunDirName(name);
            if (parsed) runs.push({ dagName, runId: parsed.id, runDir: join(dayDir, name), createdAt: parsed.at, createdMs: parsed.at.getTime() });
          }
        }
      }
    }
    this.dags.set(dagName, { checkedAt: now, watched, sigs, runs });
    return runs;
  }

  /** Make the next read of this DAG's runs check the folders (after a launch from here). */
  invalidate(dagName: string): void {
    const e = this.dags.get(dagName);
    if (e) e.checkedAt = 0;
    if (this.dagNamesCache) this.dagNamesCache.checkedAt = 0;
  }

  findRun(dagName: string, runId: string): IndexedRun | undefined {
    return this.runsOf(dagName).find((r) => r.runId === runId);
  }

  /** The newest attempt's record, as stored (no liveness correction). */
  private rawRecord(run: StoredRun, maxAgeMs: number): RecordEntry | undefined {
    const now = Date.now();
    const hit = this.records.get(run.runDir);
    if (hit && now - hit.checkedAt < maxAgeMs) return hit;
    const dirSig = mtimeSig(run.runDir);
    // A final record changes only through a new attempt (the run folder's mtime); a live
    // one through its status file. A new attempt whose status file has no record yet (a retry
    // just begun) shows the previous attempt's final record: that one is not final for long.
    if (hit && hit.dirSig === dirSig && ((isFinal(hit.raw.status) && hit.ownRecord) || fileSig(join(hit.attemptDir, "status.jsonl")) === hit.fileSig)) {
      hit.checkedAt = now;
      return hit;
    }
    const attemptDir = this.store.latestAttemptDir(run);
    if (!attemptDir) return undefined;
    const statusPath = join(attemptDir, "status.jsonl");
    const sig = fileSig(statusPath);
    const raw = this.store.readLatest(run);
    if (!raw) {
      this.records.delete(run.runDir);
      return undefined;
    }
    const ownRecord = !raw.attemptId || attemptDir.endsWith(`_${raw.attemptId}`);
    const entry: RecordEntry = { checkedAt: now, dirSig, fileSig: sig, attemptDir, raw, ownRecord };
    this.records.set(run.runDir, entry);
    return entry;
  }

  /** The run's current record with the dead-owner correction, and its newest attempt folder. */
  read(run: StoredRun, maxAgeMs = 0): { record: RunRecord; attemptDir: string; dead: boolean } | undefined {
    const entry = this.rawRecord(run, maxAgeMs);
    if (!entry) return undefined;
    if (entry.raw.status !== RunStatus.Running) return { record: entry.raw, attemptDir: entry.attemptDir, dead: false };
    const corrected = readRun({ ...this.store, readLatest: () => entry.raw } as RunStore, run, { procDir: this.procDir });
    if (!corrected) return undefined;
    return { ...corrected, attemptDir: entry.attemptDir };
  }

  /** The latest readable run of a DAG. */
  latest(dagName: string, maxAgeMs = 0): { run: IndexedRun; record: RunRecord; attemptDir: string } | undefined {
    const runs = this.runsOf(dagName, maxAgeMs);
    for (let i = 0; i < Math.min(runs.length, 5); i++) {
      const run = runs[i] as IndexedRun;
      const r = this.read(run, maxAgeMs);
      if (r) return { run, record: r.record, attemptDir: r.attemptDir };
    }
    return undefined;
  }

  /**
   * Runs across DAGs, newest first, as Dagu's ListStatuses: without a time range only runs
   * created since today's UTC midnight; at most `limit` (Dagu caps at 1000).
   */
  list(f: ListFilter): { run: IndexedRun; record: RunRecord }[] {
    let fromMs = f.fromMs;
    const toMs = f.toMs;
    if (fromMs === undefined && toMs === undefined) {
      const now = new Date();
      fromMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    }
    const maxAge = f.maxAgeMs ?? 0;
    const names = f.exactName !== undefined ? [f.exactName] : this.dagNames(maxAge).filter((n) => f.nameContains === undefined || n.includes(f.nameContains));
    // Candidates by folder time first (cheap), then read only as many records as needed.
    const candidates: IndexedRun[] = [];
    for (const name of names) {
      for (const run of this.runsOf(name, maxAge)) {
        // Folder times have whole seconds: compare at that precision.
        if (fromMs !== undefined && run.createdMs < Math.floor(fromMs / 1000) * 1000) break;
        if (toMs !== undefined && run.createdMs > toMs) continue;
        if (f.runIdContains !== undefined && !run.runId.includes(f.runIdContains)) continue;
        candidates.push(run);
      }
    }
    candidates.sort((a, b) => b.createdMs - a.createdMs || (a.runId < b.runId ? -1 : 1));
    const out: { run: IndexedRun; record: RunRecord }[] = [];
    for (const run of candidates) {
      if (out.length >= f.limit) break;
      const r = this.read(run, maxAge);
      if (!r) continue;
      if (f.status !== undefined && r.record.status !== f.status) continue;
      out.push({ run, record: r.record });
    }
    out.sort((a, b) => b.record.createdAt - a.record.createdAt || (a.record.dagRunId < b.record.dagRunId ? -1 : 1));
    return out;
  }
}
