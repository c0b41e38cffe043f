/**
 * @module store/queue-store
 * Persistent run queues: one queue per name (a DAG's `queue:` or its name, or a global queue
 * from config), FIFO within a priority, `high` before `low`. The file implementation is
 * store/file-queue-store.ts, in Dagu's layout, so a Dagu home and ours share their queues.
 *
 * Several processes read and change the same queues (schedulers, `dagu enqueue/dequeue`, the
 * server), so taking an item is atomic: `claim` moves it out of the queue in one step and only
 * one caller can win it. A claim is held until the run has started (`complete`) or given back
 * (`release`) when its launch failed. `withLock` serialises the capacity decision of a queue
 * across processes (count running + claimed, then claim), so no two consumers over-fill it.
 */
import type { DagRunRef } from "../core/run-record.ts";

export type QueuePriority = "high" | "low";

/** An item waiting in a queue. */
export interface QueuedItem {
  readonly queue: string;
  readonly priority: QueuePriority;
  /** Stable identity of the item (its file name in the file store). */
  readonly fileName: string;
  readonly dagRun: DagRunRef;
  /** RFC 3339 with nanoseconds, as Dagu writes it. */
  readonly queuedAt: string;
}

/** An item taken out of its queue by one consumer, not yet started nor given back. */
export interface QueueClaim {
  readonly item: QueuedItem;
  /** The consumer that holds it: `<pid>-<token>`. */
  readonly owner: string;
  readonly ownerPid: number;
  /** When it was claimed (ms since the epoch; file time in the file store). */
  readonly claimedAt: number;
}

export interface ListQueueOptions {
  /** At most this many items (the oldest ones). */
  readonly limit?: number;
}

export interface QueueStore {
  /** Append a run to a queue; returns the item written (durable when this returns). */
  enqueue(queue: string, dagRun: DagRunRef, priority?: QueuePriority): QueuedItem;
  /** Waiting items, oldest first: every `high` item before every `low` one. Claims are not listed. */
  list(queue: string, opts?: ListQueueOptions): QueuedItem[];
  /** How many items wait in a queue (claims not counted). */
  count(queue: string): number;
  /** Names of the queues that have waiting items or claims. */
  queues(): string[];
  /** The waiting item of a run, if any. */
  find(queue: string, runId: string): QueuedItem | undefined;
  /**
   * Remove a run's waiting items (and, with `includeClaims`, claims held on it); returns what
   * was removed. Safe against racing consumers: an item claimed meanwhile is not removed twice.
   */
  remove(queue: string, runId: string, opts?: { readonly includeClaims?: boolean }): QueuedItem[];
  /** Take the oldest item out of the queue for good (Dagu's `dequeue <queue>`); undefined when empty. */
  takeFirst(queue: string): QueuedItem | undefined;
  /** Atomically take `item` for `owner`; undefined if another consumer (or a dequeue) got it first. */
  claim(item: QueuedItem, owner: string): QueueClaim | undefined;
  /** Claims held on a queue's items, by anyone. */
  listClaims(queue: string): QueueClaim[];
  /** Put a claimed item back in its place in the queue (its original time and priority). */
  release(claim: QueueClaim): boolean;
  /** Forget a claim: its run started (or was discarded). */
  complete(claim: QueueClaim): void;
  /**
   * Run `fn` holding the queue's cross-process lock. `fn` must be synchronous and short; a
   * lock left by a dead holder is broken after a stale threshold.
   */
  withLock<T>(queue: string, fn: () => T): Promise<T>;
}

/** `<pid>-<random hex>`: names one consumer (several may live in one process). */
export function newQueueOwner(pid: number = process.pid): string {
  return `${pid}-${Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString("hex")}`;
}
