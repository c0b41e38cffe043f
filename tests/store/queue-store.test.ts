/**
 * @module tests/store/queue-store
 * The file queue store: Dagu's layout and item JSON, FIFO within priority (high first),
 * atomic claims (one winner), release to the original place, remove by run id, takeFirst,
 * counting, and the cross-process lock.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileQueueStore } from "../../src/store/file-queue-store.ts";
import { newQueueOwner } from "../../src/store/queue-store.ts";

let dir: string;
let store: FileQueueStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "queue-store-"));
  store = new FileQueueStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ids = (items: readonly { dagRun: { id: string } }[]): string[] => items.map((i) => i.dagRun.id);

describe("FileQueueStore", () => {
  test("writes Dagu's file name and JSON", () => {
    const item = store.enqueue("q", { name: "dag", id: "r1" });
    const files = readdirSync(join(dir, "q"));
    expect(files).toEqual([item.fileName]);
    expect(item.fileName).toMatch(/^item_low_\d{8}_\d{6}_\d{9}Z_r1\.json$/);
    const data = JSON.parse(readFileSync(join(dir, "q", item.fileName), "utf8")) as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(["fileName", "dagRun", "queuedAt"]);
    expect(data["dagRun"]).toEqual({ name: "dag", id: "r1" });
    expect(String(data["queuedAt"])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  test("FIFO within a priority, high before low; count and queues", () => {
    for (let i = 0; i < 5; i++) store.enqueue("q", { name: "dag", id: `low${i}` });
    store.enqueue("q", { name: "dag", id: "hi0" }, "high");
    store.enqueue("q", { name: "dag", id: "hi1" }, "high");
    expect(ids(store.list("q"))).toEqual(["hi0", "hi1", "low0", "low1", "low2", "low3", "low4"]);
    expect(ids(store.list("q", { limit: 3 }))).toEqual(["hi0", "hi1", "low0"]);
    expect(store.count("q")).toBe(7);
    expect(store.count("other")).toBe(0);
    store.enqueue("g", { name: "other-dag", id: "x" });
    expect(store.queues()).toEqual(["g", "q"]);
    // A global queue holds many DAGs: the name comes from the item, not the folder.
    expect(store.list("g")[0]?.dagRun).toEqual({ name: "other-dag", id: "x" });
  });

  test("reads items Dagu wrote (and ignores foreign files)", () => {
    const q = join(dir, "dq");
    mkdirSync(q, { recursive: true });
    const name = "item_low_20251121_204719_338244559Z_abc.json";
    writeFileSync(join(q, name), JSON.stringify({ fileName: name, dagRun: { name: "d", id: "abc" }, queuedAt: "2025-11-21T20:47:19.338244559Z" }));
    writeFileSync(join(q, "queue_123.tmp"), "partial");
    expect(store.list("dq")).toEqual([{ queue: "dq", priority: "low", fileName: name, dagRun: { name: "d", id: "abc" }, queuedAt: "2025-11-21T20:47:19.338244559Z" }]);
    expect(store.find("dq", "abc")?.fileName).toBe(name);
  });

  test("a claim has one winner; release puts the item back in its place", () => {
    for (const id of ["a", "b", "c"]) store.enqueue("q", { name: "dag", id });
    const [first] = store.list("q");
    const o1 = newQueueOwner();
    const o2 = newQueueOwner();
    const c1 = store.claim(first!, o1);
    const c2 = store.claim(first!, o2);
    expect(c1?.owner).toBe(o1);
    expect(c2).toBeUndefined();
    expect(ids(store.list("q"))).toEqual(["b", "c"]);
    expect(store.count("q")).toBe(2);
    expect(store.listClaims("q").map((c) => [c.owner, c.item.dagRun.id])).toEqual([[o1, "a"]]);
    expect(store.release(c1!)).toBe(true);
    expect(ids(store.list("q"))).toEqual(["a", "b", "c"]);
    expect(store.listClaims("q")).toEqual([]);
    const c3 = store.claim(store.list("q")[0]!, o2)!;
    store.complete(c3);
    expect(ids(store.list("q"))).toEqual(["b", "c"]);
    expect(store.release(c3)).toBe(false);
  });

  test("remove by run id (claims only when asked), takeFirst, empty folder removed", () => {
    for (const id of ["a", "b", "c"]) store.enqueue("q", { name: "dag", id });
    expect(ids(store.remove("q", "b"))).toEqual(["b"]);
    expect(store.remove("q", "zzz")).toEqual([]);
    const claim = store.claim(store.list("q")[0]!, newQueueOwner())!;
    expect(store.remove("q", "a")).toEqual([]);
    expect(store.listClaims("q")).toHaveLength(1);
    expect(ids(store.remove("q", "a", { includeClaims: true }))).toEqual(["a"]);
    expect(store.release(claim)).toBe(false);
    expect(store.takeFirst("q")?.dagRun.id).toBe("c");
    expect(store.takeFirst("q")).toBeUndefined();
    expect(existsSync(join(dir, "q"))).toBe(false);
    expect(store.queues()).toEqual([]);
  });

  test("1,000 items keep their order; many concurrent claimers take each item once", async () => {
    for (let i = 0; i < 1000; i++) store.enqueue("q", { name: "dag", id: `r${String(i).padStart(4, "0")}` });
    const items = store.list("q");
    expect(ids(items)).toEqual(ids(items).slice().sort());
    const owners = [newQueueOwner(), newQueueOwner(), newQueueOwner()];
    const won = new Map<string, number>();
    await Promise.all(
      owners.map(async (o) => {
        for (const item of items) {
          if (store.claim(item, o)) won.set(item.dagRun.id, (won.get(item.dagRun.id) ?? 0) + 1);
          if (Math.random() < 0.05) await Bun.sleep(0);
        }
      }),
    );
    expect(won.size).toBe(1000);
    expect([...won.values()].every((n) => n === 1)).toBe(true);
  });

  test("withLock excludes across store instances and breaks a stale lock", async () => {
    const other = new FileQueueStore(dir);
    let inside = 0;
    let max = 0;
    const worker = async (s: FileQueueStore): Promise<void> => {
      for (let i = 0; i < 20; i++) {
        await s.withLock("q", () => {
          inside++;
          max = Math.max(max, inside);
          inside--;
        });
        await Bun.sleep(0);
      }
    };
    await Promise.all([worker(store), worker(other)]);
    expect(max).toBe(1);
    // A lock left by a dead holder (old mtime) is broken.
    const lock = join(dir, "q", ".dagu_lock");
    mkdirSync(lock, { recursive: true });
    const old = Date.now() / 1000 - 60;
    utimesSync(lock, old, old);
    expect(await store.withLock("q", () => 42)).toBe(42);
  });
});
