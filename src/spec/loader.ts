/**
 * @module spec/loader
 * Find a DAG file (path, or name in the DAGs folder), and return its valid `Dag` or throw a
 * `SpecError` listing every problem with file, line and field. A DAG already parsed by this
 * build is read back from the parse cache (spec/dag-cache.ts); otherwise the YAML parser is
 * loaded on demand (spec/dag-text.ts), so a cached run never pays for it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { Dag } from "../core/dag.ts";
import { DaguError, SpecError } from "../core/errors.ts";
import { cacheKey, readCachedDag, writeCachedDag } from "./dag-cache.ts";

export interface LoadOptions {
  /** Folder searched for `<name>.yaml` when the argument is not an existing path. */
  readonly dagsDir?: string;
  /** `--name`: overrides the main DAG's name. */
  readonly name?: string;
  /** Path of a base config (`$DAGU_HOME/base.yaml`) merged under every DAG; ignored if missing. */
  readonly baseConfig?: string;
  /** Resolve relative paths against this folder instead of the process's. */
  readonly cwd?: string;
}

/** Dagu's lookup: absolute path; `~`; an existing relative path; else `<dagsDir>/<name>[.yaml]`. */
export function resolveDagPath(nameOrPath: string, opts: LoadOptions = {}): string {
  let file = nameOrPath.trim();
  if (file === "") throw new DaguError("a DAG file or name is required");
  if (isAbsolute(file)) return file;
  if (file.startsWith("~")) file = homedir() + file.slice(1);
  const cwd = opts.cwd ?? process.cwd();
  const direct = resolve(cwd, file);
  if (existsSync(direct) && statSync(direct).isFile()) return direct;
  if (opts.dagsDir) file = join(opts.dagsDir, file);
  if (!file.endsWith(".yaml") && !file.endsWith(".yml")) file = `${file}.yaml`;
  return resolve(cwd, file);
}

/** Load and validate a DAG by path or name; throws SpecError with every problem found. */
/** The cache key of one parse: the file, its text, the base config and the name override. */
function parseKey(file: string, text: string, opts: LoadOptions): string {
  let baseText = "";
  if (opts.baseConfig) {
    try {
      baseText = readFileSync(opts.baseConfig, "utf8");
    } catch {
      // No base config: nothing to merge.
    }
  }
  // A missing base config is keyed as none, wherever it would have been: a fresh DAGU_HOME
  // (a CI job, a test) still hits the entries of the same DAG file.
  return cacheKey([file, text, baseText === "" ? "" : (opts.baseConfig ?? ""), baseText, opts.name ?? ""]);
}

/** The DAG from the parse cache, without parsing; undefined when not cached (or unreadable). */
export function cachedDag(nameOrPath: string, opts: LoadOptions = {}): Dag | undefined {
  const file = resolveDagPath(nameOrPath, opts);
  try {
    return readCachedDag(file, parseKey(file, readFileSync(file, "utf8"), opts));
  } catch {
    return undefined;
  }
}

export async function loadDag(nameOrPath: string, opts: LoadOptions = {}): Promise<Dag> {
  const file = resolveDagPath(nameOrPath, opts);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DaguError(code === "ENOENT" ? `DAG file not found: ${nameOrPath} (looked for ${file})` : `cannot read ${file}: ${(e as Error).message}`);
  }
  const key = parseKey(file, text, opts);
  const cached = readCachedDag(file, key);
  if (cached) return cached;
  const { parseDagText } = await import("./dag-text.ts");
  const parsed = parseDagText(text, file, { ...opts, shownAs: nameOrPath });
  if (!parsed.dag) throw new SpecError(parsed.issues);
  // A params schema is checked against the file system each time, so such DAGs are not cached.
  if (!parsed.dag.paramsSchema) writeCachedDag(key, file, parsed.dag);
  return parsed.dag;
}
