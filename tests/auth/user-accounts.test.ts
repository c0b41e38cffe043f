/**
 * @module tests/auth/user-accounts
 * Users on disk in Dagu's format: create/list/get/update/delete, the rules (unique names,
 * password length, no deleting oneself), what the files hold (bcrypt hash, no password, mode
 * 0600), logins and tokens, a file written by Dagu 1.30.2, and the first admin.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AlreadyExistsError,
  CannotDeleteSelfError,
  InvalidCredentialsError,
  InvalidInputError,
  NotFoundError,
  PasswordMismatchError,
  TokenExpiredError,
  TokenInvalidError,
  WeakPasswordError,
} from "../../src/auth/errors.ts";
import { UserAccounts } from "../../src/auth/user-accounts.ts";

const root = mkdtempSync(join(tmpdir(), "dagu-users-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function fresh(ttlSec = 3600): { dir: string; accounts: UserAccounts } {
  const dir = join(root, `users-${n++}`);
  return { dir, accounts: new UserAccounts(dir, { secret: "users-test-secret", ttlSec }) };
}

test("create, list, get, update, delete; the file is Dagu's format with a bcrypt hash, mode 0600", async () => {
  const { dir, accounts } = fresh();
  const ann = await accounts.create({ username: "ann", password: "ann-password", role: "manager" });
  const bob = await accounts.create({ username: "bob", password: "bob-password", role: "viewer" });
  expect(accounts.list().map((u) => u.username)).toEqual(["ann", "bob"]);
  expect(accounts.get(ann.id).role).toBe("manager");
  const file = join(dir, `${ann.id}.json`);
  const stored = JSON.parse(readFileSync(file, "utf8"));
  expect(Object.keys(stored).sort()).toEqual(["created_at", "id", "password_hash", "role", "updated_at", "username"]);
  expect(stored.password_hash).toMatch(/^\$2[aby]\$12\$/);
  expect(readFileSync(file, "utf8")).not.toContain("ann-password");
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

  const renamed = accounts.update(bob.id, { username: "robert", role: "operator" });
  expect([renamed.username, renamed.role]).toEqual(["robert", "operator"]);
  expect(accounts.get(bob.id).username).toBe("robert");
  expect(() => accounts.update(bob.id, { username: "ann" })).toThrow(AlreadyExistsError);
  expect(() => accounts.delete(ann.id, ann.id)).toThrow(CannotDeleteSelfError);
  accounts.delete(bob.id, ann.id);
  expect(() => accounts.get(bob.id)).toThrow(NotFoundError);
  expect(() => accounts.delete(bob.id, ann.id)).toThrow(NotFoundError);
  expect(() => accounts.get("../../etc/passwd")).toThrow(NotFoundError);
});

test("rules: unique usernames, usernames not empty or too long, passwords of 8 to 72 bytes", async () => {
  const { accounts } = fresh();
  await accounts.create({ username: "ann", password: "12345678", role: "viewer" });
  await expect(accounts.create({ username: "ann", password: "another-pass", role: "admin" })).rejects.toBeInstanceOf(AlreadyExistsError);
  await expect(accounts.create({ username: " ", password: "12345678", role: "viewer" })).rejects.toBeInstanceOf(InvalidInputError);
  await expect(accounts.create({ username: "x".repeat(65), password: "12345678", role: "viewer" })).rejects.toBeInstanceOf(InvalidInputError);
  await expect(accounts.create({ username: "tab\tname", password: "12345678", role: "viewer" })).rejects.toBeInstanceOf(InvalidInputError);
  await expect(accounts.create({ username: "cat", password: "1234567", role: "viewer" })).rejects.toBeInstanceOf(WeakPasswordError);
  await expect(accounts.create({ username: "cat", password: "é".repeat(40), role: "viewer" })).rejects.toBeInstanceOf(WeakPasswordError);
  expect(accounts.list()).toHaveLength(1);
});

test("authenticate: right password; wrong password and unknown user fail the same way", async () => {
  const { accounts } = fresh();
  await accounts.create({ username: "ann", password: "ann-password", role: "operator" });
  expect((await accounts.authenticate("ann", "ann-password")).role).toBe("operator");
  await expect(accounts.authenticate("ann", "wrong-password")).rejects.toBeInstanceOf(InvalidCredentialsError);
  await expect(accounts.authenticate("nobody", "ann-password")).rejects.toBeInstanceOf(InvalidCredentialsError);
  await expect(accounts.authenticate("", "")).rejects.toBeInstanceOf(InvalidCredentialsError);
});

test("change and reset password", async () => {
  const { accounts } = fresh();
  const ann = await accounts.create({ username: "ann", password: "first-pass", role: "viewer" });
  await expect(accounts.changePassword(ann.id, "not-it", "second-pass")).rejects.toBeInstanceOf(PasswordMismatchError);
  await expect(accounts.changePassword(ann.id, "first-pass", "short")).rejects.toBeInstanceOf(WeakPasswordError);
  await accounts.changePassword(ann.id, "first-pass", "second-pass");
  await expect(accounts.authenticate("ann", "first-pass")).rejects.toBeInstanceOf(InvalidCredentialsError);
  await accounts.resetPassword(ann.id, "third-pass");
  expect((await accounts.authenticate("ann", "third-pass")).id).toBe(ann.id);
  await expect(accounts.resetPassword("no-such-id", "fourth-pass")).rejects.toBeInstanceOf(NotFoundError);
});

test("tokens name their user; the current role counts; a deleted user's token is invalid; expiry", async () => {
  const { accounts } = fresh();
  const admin = await accounts.create({ username: "root", password: "root-password", role: "admin" });
  const ann = await accounts.create({ username: "ann", password: "ann-password", role: "viewer" });
  const { token, expiresAt } = await accounts.issueToken(ann);
  expect(Math.abs(expiresAt.getTime() - Date.now() - 3600_000)).toBeLessThan(5000);
  expect((await accounts.userFromToken(token)).username).toBe("ann");
  accounts.update(ann.id, { role: "manager" });
  expect((await accounts.userFromToken(token)).role).toBe("manager");
  accounts.delete(ann.id, admin.id);
  await expect(accounts.userFromToken(token)).rejects.toBeInstanceOf(TokenInvalidError);
  const old = await accounts.issueToken(admin, Date.now() - 7200_000);
  await expect(accounts.userFromToken(old.token)).rejects.toBeInstanceOf(TokenExpiredError);
});

test("a users folder written by Dagu 1.30.2 (bcrypt $2a$, nanosecond times) logs in", async () => {
  const { dir, accounts } = fresh();
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "b987d369-ab05-405b-85f7-39461b4901c3.json"),
    JSON.stringify({
      id: "b987d369-ab05-405b-85f7-39461b4901c3",
      username: "admin",
      password_hash: "$2a$12$INDTQopF.VMuEj1ac5ud3.DsABS4XRL.O88m.kfpy2co.c.SDnSZW",
      role: "admin",
      created_at: "2026-11-21T22:25:11.252394367Z",
      updated_at: "2026-11-21T22:25:11.252394367Z",
    }),
  );
  writeFileSync(join(dir, "broken.json"), "{not json");
  expect(accounts.list()).toHaveLength(1);
  expect((await accounts.authenticate("admin", "adminpass1")).createdAt).toBe("2026-11-21T22:25:11.252394367Z");
  expect(accounts.ensureAdmin("admin", "")).toBeUndefined();
});

test("ensureAdmin: creates the admin once, with the configured or a generated password", async () => {
  const a = fresh();
  expect(a.accounts.ensureAdmin("boss", "boss-password")).toBe("");
  expect(a.accounts.ensureAdmin("boss", "boss-password")).toBeUndefined();
  expect((await a.accounts.authenticate("boss", "boss-password")).role).toBe("admin");
  const b = fresh();
  const generated = b.accounts.ensureAdmin("admin", "");
  expect(generated).toMatch(/^[A-Za-z0-9_-]{16}$/);
  expect((await b.accounts.authenticate("admin", generated as string)).role).toBe("admin");
  expect(() => fresh().accounts.ensureAdmin("admin", "short")).toThrow(WeakPasswordError);
});
