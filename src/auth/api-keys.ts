/**
 * @module auth/api-keys
 * API keys of builtin mode: `dagu_` + 32 random bytes in base58, each with its own role, one
 * JSON file per key under `data/apikeys/` in Dagu's format (persistence/fileapikey:
 * `{id, name, description, role, key_hash, key_prefix, created_at, updated_at, created_by,
 * last_used_at}`). The full key is returned once, at creation; only a bcrypt hash is stored.
 *
 * Checking a key: the stored 8-character prefix narrows the candidates (a random wrong key
 * costs no hashing at all), bcrypt confirms. A confirmed key is remembered by its SHA-256
 * (in memory only) for later requests, re-checked against its file each time so a revoked or
 * changed key stops at once. `last_used_at` is written at most once a minute per key.
 */
import { createHash } from "node:crypto";
import { JsonRecordDir } from "../store/json-record-dir.ts";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "./errors.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { isRole, type Role } from "./role.ts";
import { base58 } from "../core/base58.ts";

export const apiKeyPrefix = "dagu_";
const prefixLength = 8;
const maxNameLength = 100;
const maxDescriptionLength = 500;
const lastUsedEveryMs = 60_000;

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly role: Role;
  readonly keyHash: string;
  readonly keyPrefix: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Id of the user who created it. */
  readonly createdBy: string;
  readonly lastUsedAt?: string;
}


function toRecord(raw: unknown): ApiKeyRecord | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const str = (k: string): string => (typeof r[k] === "string" ? (r[k] as string) : "");
  if (str("id") === "" || str("key_hash") === "" || !isRole(r["role"])) return undefined;
  const lastUsed = str("last_used_at");
  return {
    id: str("id"),
    name: str("name"),
    description: str("description"),
    role: r["role"],
    keyHash: str("key_hash"),
    keyPrefix: str("key_prefix"),
    createdAt: str("created_at"),
    updatedAt: str("updated_at"),
    createdBy: str("created_by"),
    ...(lastUsed ? { lastUsedAt: lastUsed } : {}),
  };
}

function toStorage(k: ApiKeyRecord): Record<string, string> {
  return {
    id: k.id,
    name: k.name,
    ...(k.description ? { description: k.description } : {}),
    role: k.role,
    key_hash: k.keyHash,
    key_prefix: k.keyPrefix,
    created_at: k.createdAt,
    updated_at: k.updatedAt,
    created_by: k.createdBy,
    ...(k.lastUsedAt ? { last_used_at: k.lastUsedAt } : {}),
  };
}

function checkName(name: string): void {
  if (name.trim() === "") throw new InvalidInputError("name: must not be empty");
  if (name.length > maxNameLength) throw new InvalidInputError(`name: must be at most ${maxNameLength} characters`);
}

function checkDescription(description: string): void {
  if (description.length > maxDescriptionLength) throw new InvalidInputError(`description: must be at most ${maxDescriptionLength} characters`);
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

export class ApiKeys {
  private readonly files: JsonRecordDir;
  /** SHA-256 of a verified key → the key's id and the hash it was verified against. */
  private readonly verified = new Map<string, { readonly id: string; readonly keyHash: string }>();

  constructor(apiKeysDir: string) {
    this.files = new JsonRecordDir(apiKeysDir);
  }

  list(): ApiKeyRecord[] {
    return this.files
      .list()
      .map(toRecord)
      .filter((k): k is ApiKeyRecord => k !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  get(id: string): ApiKeyRecord {
    const k = toRecord(this.files.read(id));
    if (!k || k.id !== id) throw new NotFoundError("API key not found");
    return k;
  }

  private nameTaken(name: string, exceptId = ""): boolean {
    return this.list().some((k) => k.name === name && k.id !== exceptId);
  }

  /** A new key; `key` is the secret, shown to the caller this once. */
  async create(input: { readonly name: string; readonly description?: string | undefined; readonly role: Role }, createdBy: string): Promise<{ record: ApiKeyRecord; key: string }> {
    checkName(input.name);
    checkDescription(input.description ?? "");
    if (this.nameTaken(input.name)) throw new AlreadyExistsError("API key with this name already exists");
    const key = apiKeyPrefix + base58(crypto.getRandomValues(new Uint8Array(32)));
    const keyHash = await hashPassword(key);
    if (this.nameTaken(input.name)) throw new AlreadyExistsError("API key with this name already exists");
    const now = new Date().toISOString();
    const record: ApiKeyRecord = {
      id: crypto.randomUUID(),
      name: input.name,
      description: input.description ?? "",
      role: input.role,
      keyHash,
      keyPrefix: key.slice(0, prefixLength),
      createdAt: now,
      updatedAt: now,
      createdBy,
    };
    this.files.write(record.id, toStorage(record));
    return { record, key };
  }

  update(id: string, input: { readonly name?: string | undefined; readonly description?: string | undefined; readonly role?: Role | undefined }): ApiKeyRecord {
    const key = this.get(id);
    let name = key.name;
    if (input.name !== undefined && input.name !== "" && input.name !== key.name) {
      checkName(input.name);
      if (this.nameTaken(input.name, id)) throw new AlreadyExistsError("API key with this name already exists");
      name = input.name;
    }
    if (input.description !== undefined) checkDescription(input.description);
    const next: ApiKeyRecord = { ...key, name, description: input.description ?? key.description, role: input.role ?? key.role, updatedAt: new Date().toISOString() };
    this.files.write(id, toStorage(next));
    return next;
  }

  delete(id: string): void {
    this.get(id);
    if (!this.files.remove(id)) throw new NotFoundError("API key not found");
  }

  /** The record of a presented key, or undefined when it is no (longer a) valid key. */
  async verify(presented: string): Promise<ApiKeyRecord | undefined> {
    if (!presented.startsWith(apiKeyPrefix) || presented.length > 200) return undefined;
    const digest = sha256(presented);
    const known = this.verified.get(digest);
    if (known) {
      const now = this.touch(known);
      if (now) return now;
      this.verified.delete(digest);
    }
    const prefix = presented.slice(0, prefixLength);
    for (const rec of this.list()) {
      if (rec.keyPrefix !== "" && rec.keyPrefix !== prefix) continue;
      if (await verifyPassword(presented, rec.keyHash)) {
        if (this.verified.size > 1000) this.verified.clear();
        const now = this.touch(rec);
        if (now) this.verified.set(digest, { id: rec.id, keyHash: rec.keyHash });
        return now;
      }
    }
    return undefined;
  }

  /**
   * Record the use (at most once a minute per key) and return the record as it is now; read
   * again first, with no await before the write, so a key revoked meanwhile is not written
   * back (and does not authenticate).
   */
  private touch(seen: { readonly id: string; readonly keyHash: string }): ApiKeyRecord | undefined {
    const rec = toRecord(this.files.read(seen.id));
    if (!rec || rec.keyHash !== seen.keyHash) return undefined;
    const now = Date.now();
    if (rec.lastUsedAt && now - Date.parse(rec.lastUsedAt) < lastUsedEveryMs) return rec;
    const next: ApiKeyRecord = { ...rec, lastUsedAt: new Date(now).toISOString() };
    try {
      this.files.write(rec.id, toStorage(next));
    } catch {
      return rec; // a read-only store still authenticates
    }
    return next;
  }
}
