/**
 * @module spec/dag-cache
 * A cache of parsed DAGs, so running the same file again (cron, retries, a CI loop) skips
 * loading and running the YAML parser. Entries are keyed by everything the result depends
 * on — this build, the file's path and text, the base config, the name override — and hold
 * only DAGs that were valid. It lives in the user's cache folder (`$XDG_CACHE_HOME/dagu`,
 * else `~/.cache/dagu`).
 *
 * One entry file per DAG path (`<hash of path>.json`, holding the key and the DAG): a newer
 * parse replaces it with one rename, so neither a read nor a write lists the folder. Paths
 * that come and go (temporary files in CI) would still pile up, so every `pruneEvery`-th
 * write removes entries unused for `maxAgeMs` and, past `maxEntries`, the oldest. Any
 * failure just means a cache miss.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { buildInfo } from "../core/build-info.ts";
import type { Dag } from "../core/dag.ts";

const maxEntries = 2_000;
const maxAgeMs = 14 * 86_400_000;
const pruneEvery = 200;

/**
 * Off with DAGU_CACHE=off. A source run (`bun src/main.ts`, tests) has no build identity to
 * key on, so its code may change under the cache: it caches only with DAGU_CACHE=on.
 */
export function cacheEnabled(): boolean {
  const setting = process.env.DAGU_CACHE;
  return setting !== "off" && (buildInfo.version !== "dev" || setting === "on");
}

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "dagu", "dags");
}

const hex = (s: string): string => Bun.hash(s).toString(16).padStart(16, "0");

/** Key of one parse: a hash of the inputs plus this build's identity. */
export function cacheKey(parts: readonly string[]): string {
  return hex([buildInfo.version, buildInfo.commit, buildInfo.date, ...parts].join("\0"));
}

interface Entry {
  readonly key: string;
  readonly dag: Dag;
}

const entryPath = (dir: string, file: string): string => join(dir, `${hex(file)}.json`);

export function readCachedDag(file: string, key: string): Dag | undefined {
  if (!cacheEnabled()) return undefined;
  try {
    const entry = JSON.parse(readFileSync(entryPath(cacheDir(), file), "utf8")) as Partial<Entry>;
    return entry.key === key ? entry.dag : undefined;
  } catch {
    return undefined;
  }
}

/** Store a valid DAG as the entry for its file (replacing an older parse of it). */
export function writeCachedDag(key: string, file: string, dag: Dag): void {
  if (!cacheEnabled()) return;
  const dir = cacheDir();
  try {
    mkdirSync(dir, { recursive: true });
    const path = entryPath(dir, file);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key, dag } satisfies Entry));
    renameSync(tmp, path);
    // Hash of the key: pseudo-random but deterministic, so no process prunes on every write.
    if (Number.parseInt(key.slice(-6), 16) % pruneEvery === 0) pruneCache(dir);
  } catch {
    // A read-only or full home only costs the next run a parse.
  }
}

/** Remove stale entries (by modification time) and, past the cap, the oldest ones. */
export function pruneCache(dir = cacheDir(), now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const live: { name: string; mtime: number }[] = [];
  for (const name of names) {
    try {
      const mtime = statSync(join(dir, name)).mtimeMs;
      // Entries of the old layout (`<path hash>-<key>.json`) and stale temp files go too.
      if (now - mtime > maxAgeMs || name.includes("-") || name.endsWith(".tmp")) rmSync(join(dir, name), { force: true });
      else live.push({ name, mtime });
    } catch {
      // Removed meanwhile.
    }
  }
  if (live.length <= maxEntries) return;
  live.sort((a, b) => a.mtime - b.mtime);
  for (const e of live.slice(0, live.length - maxEntries)) rmSync(join(dir, e.name), { force: true });
}
