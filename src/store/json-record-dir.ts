/**
 * @module store/json-record-dir
 * A folder of small JSON records, one file per id (`<dir>/<id>.json`), as Dagu keeps users
 * (`data/users/`) and API keys (`data/apikeys/`). Writes are atomic (a unique temp file, then
 * rename) and private (files 0600, the folder 0750), because records may hold password or key
 * hashes. Every call reads the disk, so several processes sharing DAGU_HOME see each other's
 * changes; the folders hold tens of records, not thousands.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Ids become file names: letters, digits, `-`, `_` only (a UUID fits), never a path. */
const idPattern = /^[A-Za-z0-9_-]{1,128}$/;

export function isRecordId(id: string): boolean {
  return idPattern.test(id);
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

export class JsonRecordDir {
  constructor(readonly dir: string) {}

  private path(id: string): string | undefined {
    return isRecordId(id) ? join(this.dir, `${id}.json`) : undefined;
  }

  /** The parsed record, or undefined when there is none (or the id cannot name a file). */
  read(id: string): unknown {
    const path = this.path(id);
    if (!path) return undefined;
    try {
      return JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      if (isNotFound(e) || e instanceof SyntaxError) return undefined;
      throw e;
    }
  }

  /** Every readable record; files that are torn or not JSON are skipped. */
  list(): unknown[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
    const out: unknown[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith(".json")) continue;
      const rec = this.read(name.slice(0, -5));
      if (rec !== undefined) out.push(rec);
    }
    return out;
  }

  write(id: string, value: unknown): void {
    const path = this.path(id);
    if (!path) throw new Error(`invalid record id: ${id}`);
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const tmp = join(this.dir, `.${id}.${process.pid}.${crypto.randomUUID()}.tmp`);
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600); // the umask may have narrowed it further, never widened: make it exact
    try {
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }

  /** Remove a record; false when there was none. */
  remove(id: string): boolean {
    const path = this.path(id);
    if (!path) return false;
    try {
      rmSync(path);
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }
}
