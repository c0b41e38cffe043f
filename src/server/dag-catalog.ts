/**
 * @module server/dag-catalog
 * The DAG files of the DAGs folder as the API sees them: names checked so that no request
 * can reach outside the folder, parsed DAGs cached by (mtime, size) so listing 500 DAGs reads
 * only the files that changed, validation problems with line and column, suspend flags
 * (`suspend/<fileName>.suspend`), and atomic writes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join, resolve, sep } from "node:path";
import type { DaguPaths } from "../config/paths.ts";
import type { Dag } from "../core/dag.ts";
import type { SpecIssue } from "../core/errors.ts";
import { parseDagText } from "../spec/dag-text.ts";
import { HttpError } from "./http-error.ts";

export interface DagFileEntry {
  /** File name without extension: the DAG's id in the API (`fileName`). */
  readonly fileName: string;
  readonly path: string;
  readonly text: string;
  /** Undefined when the file has problems. */
  readonly dag?: Dag;
  /** The name the DAG runs under (from `name:` or the file name). */
  readonly name: string;
  readonly issues: readonly SpecIssue[];
  readonly errors: readonly string[];
}

/** `12:5: steps[0].depends: …` — the problem with its line and column. */
export function formatIssue(i: SpecIssue): string {
  const at = i.line > 0 ? `${i.line}:${i.col}: ` : "";
  return `${at}${i.field ? `${i.field}: ` : ""}${i.message}`;
}

/** The 400 for a request whose DAG spec has problems: every problem, each with its position. */
export function specError(issues: readonly SpecIssue[]): HttpError {
  return HttpError.badRequest(`spec: ${issues.map(formatIssue).join("; ")}`);
}

const fileNamePattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * A DAG file name from a request: letters, digits, `_`, `-`, `.`, not starting with a dot,
 * at most 255 bytes. An optional `.yaml`/`.yml` suffix is accepted and dropped.
 */
export function checkFileName(raw: string, field: string): string {
  const name = raw.replace(/\.ya?ml$/, "");
  if (name === "") throw HttpError.badRequest(`${field}: must not be empty`);
  if (name.length > 255) throw HttpError.badRequest(`${field}: must be at most 255 characters`);
  if (!fileNamePattern.test(name) || name.includes(".."))
    throw HttpError.badRequest(`${field}: must only contain alphanumeric characters, dashes, dots, and underscores (got ${JSON.stringify(raw)})`);
  return name;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

interface CacheEntry {
  checkedAt: number;
  readonly sig: string;
  readonly entry: DagFileEntry;
}

export class DagCatalog {
  private readonly cache = new Map<string, CacheEntry>();
  private listing: { names: string[]; checkedAt: number } | undefined;
  /** Names read from files not parsed yet (see `names`). */
  private readonly peeks = new Map<string, { readonly sig: string; readonly name: string }>();
  readonly dagsDir: string;

  constructor(private readonly paths: DaguPaths) {
    this.dagsDir = resolve(paths.dagsDir);
  }

  /** The file for a checked name, proven to be directly inside the DAGs folder. */
  pathFor(fileName: string): string {
    const name = checkFileName(fileName, "fileName");
    for (const ext of [".yaml", ".yml"]) {
      const p = resolve(this.dagsDir, name + ext);
      if (!p.startsWith(this.dagsDir + sep)) throw HttpError.badRequest(`fileName: ${JSON.stringify(fileName)} is outside the DAGs folder`);
      if (ext === ".yaml" && existsSync(p)) return p;
      if (ext === ".yml" && existsSync(p)) return p;
    }
    return resolve(this.dagsDir, `${name}.yaml`);
  }

  /** Every DAG file, sorted by file name (a listing checked within `maxAgeMs` is reused). */
  fileNames(maxAgeMs = 0): string[] {
    const now = Date.now();
    if (this.listing && now - this.listing.checkedAt < maxAgeMs) return this.listing.names;
    let names: string[];
    try {
      names = readdirSync(this.dagsDir);
    } catch {
      return [];
    }
    const out = names
      .filter((n) => (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith("."))
      .map((n) => basename(n, extname(n)))
      .sort();
    this.listing = { names: out, checkedAt: now };
    return out;
  }

  /** Forget cached state after a change made through the API. */
  private changed(path: string): void {
    this.cache.delete(path);
    this.listing = undefined;
  }

  /** Parse text as if it were this file (no caching, nothing written). */
  parse(text: string, path: string, nameOverride?: string): { dag?: Dag; issues: readonly SpecIssue[] } {
    const opts = { dagsDir: this.dagsDir, baseConfig: this.paths.baseConfig, cwd: this.dagsDir, shownAs: basename(path), ...(nameOverride ? { name: nameOverride } : {}) };
    try {
      return parseDagText(text, path, opts);
    } catch (e) {
      return { issues: [{ file: basename(path), line: 0, col: 0, field: "", message: (e as Error).message }] };
    }
  }

  /** The entry for a file name, or undefined when no such file. */
  get(fileName: string, maxAgeMs = 0): DagFileEntry | undefined {
    const path = this.pathFor(fileName);
    const now = Date.now();
    const fresh = this.cache.get(path);
    if (fresh && now - fresh.checkedAt < maxAgeMs) return fresh.entry;
    const sig = fileSignature(path);
    if (sig === undefined) {
      this.cache.delete(path);
      return undefined;
    }
    const hit = this.cache.get(path);
    if (hit && hit.sig === sig) {
      hit.checkedAt = now;
      return hit.entry;
    }
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
    const stem = basename(path, extname(path));
    const { dag, issues } = this.parse(text, path);
    const entry: DagFileEntry = {
      fileName: stem,
      path,
      text,
      ...(dag ? { dag } : {}),
      name: dag?.name || nameFromText(text) || stem,
      issues,
      errors: issues.map(formatIssue),
    };
    this.cache.set(path, { checkedAt: now, sig, entry });
    return entry;
  }

  mustGet(fileName: string): DagFileEntry {
    const e = this.get(fileName);
    if (!e) throw HttpError.notFound(`DAG ${fileName} not found`);
    return e;
  }

  /**
   * File name and DAG name of every DAG, without parsing the ones not parsed yet (their name
   * is read from the text's `name:`): a list sorted by name then parses only its page. With
   * 1,000 DAGs the first list after a start drops from parsing 1,000 files to 50.
   */
  names(maxAgeMs = 0): { readonly fileName: string; readonly name: string }[] {
    const out: { fileName: string; name: string }[] = [];
    for (const fileName of this.fileNames(maxAgeMs)) {
      const path = this.pathFor(fileName);
      const parsed = this.cache.get(path);
      if (parsed && Date.now() - parsed.checkedAt < maxAgeMs) {
        out.push({ fileName, name: parsed.entry.name });
        continue;
      }
      const sig = fileSignature(path);
      if (sig === undefined) continue;
      if (parsed?.sig === sig) {
        out.push({ fileName, name: parsed.entry.name });
        continue;
      }
      let peek = this.peeks.get(path);
      if (peek?.sig !== sig) {
        let text: string;
        try {
          text = readFileSync(path, "utf8");
        } catch {
          continue;
        }
        // Only the first document names the DAG (later ones are local sub-DAGs).
        const first = text.split(/^---\s*$/m)[0] ?? "";
        peek = { sig, name: nameFromText(first) || fileName };
        this.peeks.set(path, peek);
      }
      out.push({ fileName, name: peek.name });
    }
    return out;
  }

  all(maxAgeMs = 0): DagFileEntry[] {
    const out: DagFileEntry[] = [];
    for (const n of this.fileNames(maxAgeMs)) {
      try {
        const e = this.get(n, maxAgeMs);
        if (e) out.push(e);
      } catch {
        // A file whose name the API cannot address (odd characters) is not listed.
      }
    }
    return out;
  }

  /** Create a DAG file; fails when it exists. */
  create(fileName: string, text: string): void {
    const path = this.pathFor(fileName);
    if (existsSync(path)) throw HttpError.conflict(`DAG ${fileName} already exists`);
    mkdirSync(this.dagsDir, { recursive: true });
    writeFileSync(path, text, { flag: "wx" });
    this.changed(path);
  }

  writeSpec(fileName: string, text: string): void {
    const path = this.pathFor(fileName);
    if (!existsSync(path)) throw HttpError.notFound(`DAG ${fileName} not found`);
    writeAtomic(path, text);
    this.changed(path);
  }

  remove(fileName: string): void {
    const path = this.pathFor(fileName);
    if (!existsSync(path)) throw HttpError.notFound(`DAG ${fileName} not found`);
    rmSync(path);
    rmSync(this.suspendFlag(fileName), { force: true });
    this.changed(path);
  }

  rename(fileName: string, newFileName: string): void {
    const from = this.pathFor(fileName);
    if (!existsSync(from)) throw HttpError.notFound(`DAG ${fileName} not found`);
    const target = checkFileName(newFileName, "newFileName");
    const to = resolve(this.dagsDir, `${target}${extname(from)}`);
    if (!to.startsWith(this.dagsDir + sep)) throw HttpError.badRequest("newFileName: outside the DAGs folder");
    if (existsSync(to)) throw HttpError.conflict(`DAG ${target} already exists`);
    renameSync(from, to);
    this.changed(from);
    const flag = this.suspendFlag(fileName);
    if (existsSync(flag)) renameSync(flag, this.suspendFlag(target));
  }

  suspendFlag(fileName: string): string {
    return join(this.paths.suspendFlagsDir, `${checkFileName(fileName, "fileName")}.suspend`);
  }

  isSuspended(fileName: string): boolean {
    return existsSync(this.suspendFlag(fileName));
  }

  setSuspended(fileName: string, suspend: boolean): void {
    const flag = this.suspendFlag(fileName);
    if (suspend) {
      mkdirSync(this.paths.suspendFlagsDir, { recursive: true });
      writeFileSync(flag, "");
    } else {
      rmSync(flag, { force: true });
    }
  }
}

/** The `name:` of a file that does not validate, read without the full parser. */
/** What changes when a file is edited or replaced; undefined when it is not a readable file. */
function fileSignature(path: string): string | undefined {
  try {
    const st = statSync(path);
    return st.isFile() ? `${st.mtimeMs}:${st.size}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

function nameFromText(text: string): string | undefined {
  const m = /^name:\s*["']?([^"'#\n]+?)["']?\s*(#.*)?$/m.exec(text);
  return m?.[1]?.trim() || undefined;
}

/** A new DAG's starting spec, as Dagu writes it. */
export const defaultSpec = `steps:
  - command: echo hello
`;
