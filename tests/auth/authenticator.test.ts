/**
 * @module tests/auth/authenticator
 * One request's credentials → principal or 401 reason, per mode: none lets everything
 * through; basic and the static token compare in constant time and act as admin; builtin
 * takes login tokens and API keys (with their own roles); the events cookie stands in for a
 * missing header; every refusal says what to send.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AuthSettings, authRequired, defaultAuthSettings, uiAuthMode } from "../../src/auth/auth-settings.ts";
import { createAuthSystem } from "../../src/auth/auth-system.ts";
import type { AuthOutcome } from "../../src/auth/authenticator.ts";
import { sameSecret } from "../../src/auth/secret-compare.ts";

const root = mkdtempSync(join(tmpdir(), "dagu-authn-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const system = (s: Partial<AuthSettings>) => {
  const dir = join(root, `s${n++}`);
  return createAuthSystem({ ...defaultAuthSettings, ...s }, { usersDir: join(dir, "users"), apiKeysDir: join(dir, "apikeys") });
};
const basicHeader = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;
const principalOf = (o: AuthOutcome) => (o.ok ? o.principal : undefined);

test("sameSecret: equal strings only; an empty expected secret matches nothing", () => {
  expect(sameSecret("abc", "abc")).toBe(true);
  expect(sameSecret("abc", "abd")).toBe(false);
  expect(sameSecret("abc", "abcd")).toBe(false);
  expect(sameSecret("", "")).toBe(false);
});

test("mode none: no credentials needed, none checked", async () => {
  const { authenticator, settings } = system({});
  expect(authRequired(settings)).toBe(false);
  expect(uiAuthMode(settings)).toBe("none");
  expect(await authenticator.authenticate({ authorization: null })).toEqual({ ok: true, principal: undefined });
  expect(await authenticator.authenticate({ authorization: "Bearer whatever" })).toEqual({ ok: true, principal: undefined });
});

test("basic: right credentials act as an admin named after the user; wrong or missing → 401 Basic", async () => {
  const { authenticator, settings } = system({ basic: { username: "ops", password: "pa:ss word" } });
  expect(uiAuthMode(settings)).toBe("basic");
  const ok = await authenticator.authenticate({ authorization: basicHeader("ops", "pa:ss word") });
  expect(principalOf(ok)).toMatchObject({ kind: "basic", id: "ops", username: "ops", role: "admin", createdAt: "0001-01-01T00:00:00Z" });
  expect(await authenticator.authenticate({ authorization: basicHeader("ops", "nope") })).toEqual({ ok: false, message: "invalid username or password", challenge: "Basic" });
  expect(await authenticator.authenticate({ authorization: basicHeader("other", "pa:ss word") })).toMatchObject({ ok: false, challenge: "Basic" });
  const missing = await authenticator.authenticate({ authorization: null });
  expect(missing).toMatchObject({ ok: false, challenge: "Basic" });
  expect(missing.ok ? "" : missing.message).toContain("HTTP Basic");
});

test("token: Bearer <token> acts as the admin api-token; anything else → 401 Bearer naming the header", async () => {
  const { authenticator, settings } = system({ token: "s3cret-token" });
  expect(uiAuthMode(settings)).toBe("token");
  expect(principalOf(await authenticator.authenticate({ authorization: "Bearer s3cret-token" }))).toMatchObject({ kind: "api-token", username: "api-token", role: "admin" });
  expect(principalOf(await authenticator.authenticate({ authorization: "bearer s3cret-token" }))?.kind).toBe("api-token");
  expect(await authenticator.authenticate({ authorization: "Bearer s3cret-tokenX" })).toEqual({ ok: false, message: "invalid bearer token", challenge: "Bearer" });
  expect(await authenticator.authenticate({ authorization: "s3cret-token" })).toMatchObject({ ok: false });
  const missing = await authenticator.authenticate({ authorization: null });
  expect(missing.ok ? "" : missing.message).toContain("Authorization: Bearer");
  // The events cookie stands in when there is no header, never over a header.
  expect(principalOf(await authenticator.authenticate({ authorization: null, fallbackToken: "s3cret-token" }))?.kind).toBe("api-token");
  expect((await authenticator.authenticate({ authorization: "Bearer wrong", fallbackToken: "s3cret-token" })).ok).toBe(false);
});

test("basic and token together: either works", async () => {
  const { authenticator, settings } = system({ basic: { username: "u", password: "p" }, token: "t0k" });
  expect(uiAuthMode(settings)).toBe("basic");
  expect((await authenticator.authenticate({ authorization: "Bearer t0k" })).ok).toBe(true);
  expect((await authenticator.authenticate({ authorization: basicHeader("u", "p") })).ok).toBe(true);
});

test("builtin: login tokens and API keys carry their user's or key's role; basic settings are ignored", async () => {
  const s = system({
    mode: "builtin",
    basic: { username: "u", password: "p" },
    token: "static",
    builtin: { adminUsername: "admin", adminPassword: "", tokenSecret: "authn-secret", tokenTtlSec: 600 },
  });
  expect(uiAuthMode(s.settings)).toBe("builtin");
  const accounts = s.accounts;
  const apiKeys = s.apiKeys;
  if (!accounts || !apiKeys) throw new Error("builtin mode without stores");
  const viewer = await accounts.create({ username: "vic", password: "vic-password", role: "viewer" });
  const { token } = await accounts.issueToken(viewer);
  expect(principalOf(await s.authenticator.authenticate({ authorization: `Bearer ${token}` }))).toMatchObject({ kind: "user", id: viewer.id, username: "vic", role: "viewer" });
  const { record, key } = await apiKeys.create({ name: "deploy", role: "operator" }, viewer.id);
  expect(principalOf(await s.authenticator.authenticate({ authorization: `Bearer ${key}` }))).toMatchObject({ kind: "api-key", id: `apikey:${record.id}`, username: "apikey:deploy", role: "operator" });
  expect(principalOf(await s.authenticator.authenticate({ authorization: "Bearer static" }))?.kind).toBe("api-token");
  expect((await s.authenticator.authenticate({ authorization: basicHeader("u", "p") })).ok).toBe(false);

  apiKeys.delete(record.id);
  expect(await s.authenticator.authenticate({ authorization: `Bearer ${key}` })).toEqual({ ok: false, message: "invalid or revoked API key", challenge: "Bearer" });
  const other = await accounts.issueToken({ ...viewer, id: "no-such-user" });
  expect(await s.authenticator.authenticate({ authorization: `Bearer ${other.token}` })).toEqual({ ok: false, message: "invalid login token", challenge: "Bearer" });
  const expired = await accounts.issueToken(viewer, Date.now() - 3600_000);
  expect(await s.authenticator.authenticate({ authorization: `Bearer ${expired.token}` })).toEqual({ ok: false, message: "login token has expired; log in again", challenge: "Bearer" });
  const missing = await s.authenticator.authenticate({ authorization: null });
  expect(missing.ok ? "" : missing.message).toContain("POST /api/v2/auth/login");
});
