/**
 * @module store/file-queue-store
 * QueueStore on files, in Dagu 1.30's layout (FEATURES.md §9):
 * `<queueDir>/<queue>/item_{high|low}_<YYYYMMDD_HHMMSS>_<nanos>Z_<runId>.json` holding
 * `{fileName, dagRun{name,id}, queuedAt}`. Names sort in queue order, so listing never parses
 * a file it does not return.
 *
 * Crash safety: an item is written to a temp file and renamed into place, so readers see a
 * whole item or none. Claims: `claim` renames the item to `.claim_<owner>_<item name>` in the
 * same folder, which is atomic and fails for every racer but one; Dagu's reader (which globs
 * `item_*`) no longer sees it, so a Dagu scheduler on the same home cannot start it either.
 * `release` renames it back under its original name (its place in the queue is kept).
 * The cross-process lock is Dagu's directory lock: `mkdir <queue>/.dagu_lock`.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DagRunRef } from "../core/run-record.ts";
import type { ListQueueOptions, QueueClaim, QueuedItem, QueuePriority, QueueStore } from "./queue-store.ts";

const itemPattern = /^item_(high|low)_(\d{8})_(\d{6})_(\d{9})Z_(.+)\.json$/;
const claimPattern = /^\.claim_(\d+)-([0-9a-f]+)_(item_.+\.json)$/;
const lockName = ".dagu_lock";

/** A lock older than this was left by a dead holder (the critical section takes milliseconds). */
const lockStaleMs = 10_000;
const lockRetryMs = 2;

// Wall-clock nanoseconds that never go backwards within this process (file names must sort).
const hrBase = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
let lastNs = 0n;
function nowNs(): bigint {
  let ns = hrBase + process.hrtime.bigint();
  if (ns <= lastNs) ns = lastNs + 1n;
  lastNs = ns;
  return ns;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

function itemFileName(priority: QueuePriority, runId: string, ns: bigint): { fileName: string; queuedAt: string } {
  const ms = Number(ns / 1_000_000n);
  const frac = String(ns % 1_000_000_000n).padStart(9, "0");
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  const queuedAt = `${d.toISOString().slice(0, 19)}.${frac}Z`;
  return { fileName: `item_${priority}_${date}_${time}_${frac}Z_${runId}.json`, queuedAt };
}

/** Time and run id back out of an item name (Dagu names the DAG after the queue folder here). */
function parseItemName(queue: string, fileName: string): QueuedItem | undefined {
  const m = itemPattern.exec(fileName);
  if (!m) return undefined;
  const [, priority, date, time, frac, id] = m as unknown as [string, QueuePriority, string, string, string, string];
  const queuedAt = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}.${frac}Z`;
  return { queue, priority, fileName, dagRun: { name: queue, id }, queuedAt };
}

/** The DAG-run the item's file names (the folder name is only a fallback: global queues hold many DAGs). */
function readItem(path: string, parsed: QueuedItem): QueuedItem {
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as { dagRun?: Partial<DagRunRef>; queuedAt?: unknown };
    const name = data.dagRun?.name;
    const id = data.dagRun?.id;
    if (typeof name === "string" && name !== "" && typeof id === "string" && id !== "") {
      return { ...parsed, dagRun: { name, id }, ...(typeof data.queuedAt === "string" ? { queuedAt: data.queuedAt } : {}) };
    }
  } catch {
    // Unreadable (foreign, or being replaced): the name still says enough.
  }
  return parsed;
}

function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class FileQueueStore implements QueueStore {
  constructor(readonly queueDir: string) {}

  private dir(queue: string): string {
    if (queue === "" || queue.includes("/") || queue.includes("\0") || queue === "." || queue === "..") throw new Error(`invalid queue name "${queue}"`);
    return join(this.queueDir, queue);
  }

  private names(queue: string): string[] {
    try {
      return readdirSync(this.dir(queue));
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
  }

  /** Waiting item names in queue order: high before low, then by time (names sort by time). */
  private itemNames(queue: string): string[] {
    const names = this.names(queue).filter((n) => itemPattern.test(n));
    const rank = (n: string): number => (n.startsWith("item_high_") ? 0 : 1);
    return names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }

  enqueue(queue: string, dagRun: DagRunRef, priority: QueuePriority = "low"): QueuedItem {
    const dir = this.dir(queue);
    mkdirSync(dir, { recursive: true });
    const { fileName, queuedAt } = itemFileName(priority, dagRun.id, nowNs());
    const path = join(dir, fileName);
    const tmp = join(dir, `.queue_${process.pid}_${fileName}.tmp`);
    const body = JSON.stringify({ fileName, dagRun: { name: dagRun.name, id: dagRun.id }, queuedAt });
    for (let tries = 0; ; tries++) {
      try {
        writeFileSync(tmp, body);
        renameSync(tmp, path);
        break;
      } catch (e) {
        // Another process removed the (then empty) queue folder between our mkdir and write.
        if (!isNotFound(e) || tries >= 5) throw e;
        mkdirSync(dir, { recursive: true });
      }
    }
    return { queue, priority, fileName, dagRun: { name: dagRun.name, id: dagRun.id }, queuedAt };
  }

  list(queue: string, opts: ListQueueOptions = {}): QueuedItem[] {
    const dir = this.dir(queue);
    const names = this.itemNames(queue);
    const limited = opts.limit !== undefined ? names.slice(0, Math.max(0, opts.limit)) : names;
    const out: QueuedItem[] = [];
    for (const n of limited) {
      const parsed = parseItemName(queue, n);
      if (parsed) out.push(readItem(join(dir, n), parsed));
    }
    return out;
  }

  count(queue: string): number {
    return this.names(queue).filter((n) => itemPattern.test(n)).length;
  }

  queues(): string[] {
    let entries: string[];
    try {
      entries = readdirSync(this.queueDir);
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
    return entries.filter((q) => !q.startsWith(".") && this.names(q).some((n) => itemPattern.test(n) || claimPattern.test(n))).sort();
  }

  find(queue: string, runId: string): QueuedItem | undefined {
    const suffix = `Z_${runId}.json`;
    const name = this.itemNames(queue).find((n) => n.endsWith(suffix) && parseItemName(queue, n)?.dagRun.id === runId);
    if (name === undefined) return undefined;
    const parsed = parseItemName(queue, name) as QueuedItem;
    return readItem(join(this.dir(queue), name), parsed);
  }

  remove(queue: string, runId: string, opts: { readonly includeClaims?: boolean } = {}): QueuedItem[] {
    const dir = this.dir(queue);
    const removed: QueuedItem[] = [];
    for (const n of this.names(queue)) {
      const claim = claimPattern.exec(n);
      const itemName = claim ? (claim[3] as string) : n;
      if (claim && !opts.includeClaims) continue;
      const parsed = parseItemName(queue, itemName);
      if (!parsed || parsed.dagRun.id !== runId) continue;
      const item = readItem(join(dir, n), parsed);
      // Move it aside first: of several removers (or a remover and a claimer) only one wins.
      const gone = join(dir, `.removed_${process.pid}_${n}`);
      try {
        renameSync(join(dir, n), gone);
      } catch (e) {
        if (isNotFound(e)) continue;
        throw e;
      }
      rmSync(gone, { force: true });
      removed.push(item);
    }
    this.tidy(queue);
    return removed;
  }

  takeFirst(queue: string): QueuedItem | undefined {
    const dir = this.dir(queue);
    for (const n of this.itemNames(queue)) {
      const parsed = parseItemName(queue, n);
      if (!parsed) continue;
      const item = readItem(join(dir, n), parsed);
      const gone = join(dir, `.removed_${process.pid}_${n}`);
      try {
        renameSync(join(dir, n), gone);
      } catch (e) {
        if (isNotFound(e)) continue; // Someone else took it: try the next one.
        throw e;
      }
      rmSync(gone, { force: true });
      this.tidy(queue);
      return item;
    }
    return undefined;
  }

  claim(item: QueuedItem, owner: string): QueueClaim | undefined {
    const m = /^(\d+)-([0-9a-f]+)$/.exec(owner);
    if (!m) throw new Error(`invalid queue owner "${owner}"`);
    const dir = this.dir(item.queue);
    const claimPath = join(dir, `.claim_${owner}_${item.fileName}`);
    try {
      renameSync(join(dir, item.fileName), claimPath);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
    const now = Date.now();
    try {
      // The claim's age is its file time (a rename keeps the item's).
      utimesSync(claimPath, now / 1000, now / 1000);
    } catch {
      // Released or completed meanwhile by its owner: the claim still happened.
    }
    return { item, owner, ownerPid: Number(m[1]), claimedAt: now };
  }

  listClaims(queue: string): QueueClaim[] {
    const dir = this.dir(queue);
    const out: QueueClaim[] = [];
    for (const n of this.names(queue)) {
      const m = claimPattern.exec(n);
      if (!m) continue;
      const parsed = parseItemName(queue, m[3] as string);
      if (!parsed) continue;
      let claimedAt: number;
      try {
        claimedAt = statSync(join(dir, n)).mtimeMs;
      } catch {
        continue; // Gone meanwhile.
      }
      out.push({ item: readItem(join(dir, n), parsed), owner: `${m[1]}-${m[2]}`, ownerPid: Number(m[1]), claimedAt });
    }
    return out.sort((a, b) => (a.item.fileName < b.item.fileName ? -1 : 1));
  }

  release(claim: QueueClaim): boolean {
    const dir = this.dir(claim.item.queue);
    try {
      renameSync(join(dir, `.claim_${claim.owner}_${claim.item.fileName}`), join(dir, claim.item.fileName));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  complete(claim: QueueClaim): void {
    rmSync(join(this.dir(claim.item.queue), `.claim_${claim.owner}_${claim.item.fileName}`), { force: true });
    this.tidy(claim.item.queue);
  }

  async withLock<T>(queue: string, fn: () => T): Promise<T> {
    const dir = this.dir(queue);
    const lock = join(dir, lockName);
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") {
          mkdirSync(dir, { recursive: true });
          continue;
        }
        if (code !== "EEXIST") throw e;
      }
      this.breakStaleLock(lock);
      await sleep(lockRetryMs);
    }
    try {
      return fn();
    } finally {
      try {
        rmdirSync(lock);
      } catch {
        // Broken as stale by someone else: nothing to release.
      }
    }
  }

  /** A lock whose holder died: move it aside (one racer wins the rename) and drop it. */
  private breakStaleLock(lock: string): void {
    try {
      if (Date.now() - statSync(lock).mtimeMs <= lockStaleMs) return;
      const aside = `${lock}.stale.${process.pid}.${Date.now()}`;
      renameSync(lock, aside);
      rmSync(aside, { recursive: true, force: true });
    } catch {
      // Released or broken by someone else meanwhile.
    }
  }

  /** An empty queue folder goes, as in Dagu (fails harmlessly when anything is left). */
  private tidy(queue: string): void {
    try {
      rmdirSync(this.dir(queue));
    } catch {
      // Not empty, or gone.
    }
  }
}
