/**
 * @module tests/auth/api-keys
 * API keys on disk: the secret is returned once and stored only as a hash; a key verifies
 * until revoked; a changed role counts at once; names are unique; last use is recorded.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiKeys } from "../../src/auth/api-keys.ts";
import { base58 } from "../../src/core/base58.ts";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../src/auth/errors.ts";

const root = mkdtempSync(join(tmpdir(), "dagu-keys-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): { dir: string; keys: ApiKeys } => {
  const dir = join(root, `keys-${n++}`);
  return { dir, keys: new ApiKeys(dir) };
};

test("base58 as Bitcoin's alphabet, leading zero bytes as 1s", () => {
  expect(base58(new Uint8Array([0, 0, 1]))).toBe("112");
  expect(base58(new TextEncoder().encode("hello world"))).toBe("StV1DL6CwTryKyV");
  expect(base58(new Uint8Array([]))).toBe("");
});

test("create: dagu_ key shown once, stored as a bcrypt hash with its 8-character prefix, file 0600", async () => {
  const { dir, keys } = fresh();
  const { record, key } = await keys.create({ name: "ci", description: "deploys", role: "operator" }, "user-1");
  expect(key).toMatch(/^dagu_[1-9A-HJ-NP-Za-km-z]{40,}$/);
  expect(record.keyPrefix).toBe(key.slice(0, 8));
  const files = readdirSync(dir);
  expect(files).toEqual([`${record.id}.json`]);
  const text = readFileSync(join(dir, files[0] as string), "utf8");
  expect(text).not.toContain(key);
  const stored = JSON.parse(text);
  expect(Object.keys(stored).sort()).toEqual(["created_at", "created_by", "description", "id", "key_hash", "key_prefix", "name", "role", "updated_at"]);
  expect(stored.key_hash).toMatch(/^\$2[aby]\$/);
  expect(stored.created_by).toBe("user-1");
  expect(statSync(join(dir, files[0] as string)).mode & 0o777).toBe(0o600);
});

test("verify: the key until it is revoked; wrong keys and other strings never", async () => {
  const { keys } = fresh();
  const { record, key } = await keys.create({ name: "ci", role: "viewer" }, "user-1");
  expect((await keys.verify(key))?.id).toBe(record.id);
  expect((await keys.verify(key))?.id).toBe(record.id); // remembered
  expect(await keys.verify(`${key}x`)).toBeUndefined();
  expect(await keys.verify(`${key.slice(0, 8)}${"1".repeat(40)}`)).toBeUndefined();
  expect(await keys.verify("not-a-key")).toBeUndefined();
  keys.update(record.id, { role: "manager" });
  expect((await keys.verify(key))?.role).toBe("manager");
  keys.delete(record.id);
  expect(await keys.verify(key)).toBeUndefined();
  expect(() => keys.get(record.id)).toThrow(NotFoundError);
  expect(() => keys.delete(record.id)).toThrow(NotFoundError);
});

test("last use is recorded", async () => {
  const { keys } = fresh();
  const { record, key } = await keys.create({ name: "ci", role: "viewer" }, "u");
  expect(keys.get(record.id).lastUsedAt).toBeUndefined();
  const before = Date.now();
  await keys.verify(key);
  const used = keys.get(record.id).lastUsedAt;
  expect(used).toBeDefined();
  expect(Date.parse(used as string)).toBeGreaterThanOrEqual(before - 1000);
});

test("names are unique, not empty, at most 100 characters; descriptions at most 500", async () => {
  const { keys } = fresh();
  const a = await keys.create({ name: "a", role: "viewer" }, "u");
  await keys.create({ name: "b", role: "viewer" }, "u");
  await expect(keys.create({ name: "a", role: "admin" }, "u")).rejects.toBeInstanceOf(AlreadyExistsError);
  await expect(keys.create({ name: "", role: "admin" }, "u")).rejects.toBeInstanceOf(InvalidInputError);
  await expect(keys.create({ name: "x".repeat(101), role: "admin" }, "u")).rejects.toBeInstanceOf(InvalidInputError);
  await expect(keys.create({ name: "c", description: "d".repeat(501), role: "admin" }, "u")).rejects.toBeInstanceOf(InvalidInputError);
  expect(() => keys.update(a.record.id, { name: "b" })).toThrow(AlreadyExistsError);
  expect(keys.update(a.record.id, { name: "a2", description: "now described" }).description).toBe("now described");
  expect(keys.list().map((k) => k.name)).toEqual(["a2", "b"]);
});
