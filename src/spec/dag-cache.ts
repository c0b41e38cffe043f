/**
 * @module spec/dag-cache
 * A cache of parsed DAGs, so running the same file again (cron, retries, a CI loop) skips
 * loading and running the YAML parser. Entries are keyed by everything the result depends
 * on — this build, the file's path and text, the base config, the name override — and hold
 * only DAGs that were valid. It lives in the user's cache folder (`$XDG_CACHE_HOME/dagu`,
 * else `~/.cache/dagu`), one file per DAG file; any failure just means a cache miss.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { buildInfo } from "../core/build-info.ts";
import type { Dag } from "../core/dag.ts";

/**
 * Off with DAGU_CACHE=off. A source run (`bun src/main.ts`, tests) has no build identity to
 * key on, so its code may change under the cache: it caches only with DAGU_CACHE=on.
 */
function enabled(): boolean {
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

function entryName(file: string, key: string): string {
  return `${hex(file)}-${key}.json`;
}

export function readCachedDag(file: string, key: string): Dag | undefined {
  if (!enabled()) return undefined;
  try {
    return JSON.parse(readFileSync(join(cacheDir(), entryName(file, key)), "utf8")) as Dag;
  } catch {
    return undefined;
  }
}

/** Store a valid DAG, replacing older entries for the same file. */
export function writeCachedDag(key: string, file: string, dag: Dag): void {
  if (!enabled()) return;
  const dir = cacheDir();
  try {
    mkdirSync(dir, { recursive: true });
    const prefix = `${hex(file)}-`;
    for (const old of readdirSync(dir)) if (old.startsWith(prefix)) rmSync(join(dir, old), { force: true });
    const path = join(dir, entryName(file, key));
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(dag));
    renameSync(tmp, path);
  } catch {
    // A read-only or full home only costs the next run a parse.
  }
}
