/**
 * @module tests/auth/auth-config
 * The `auth:` settings from config.yaml and DAGU_* variables (Dagu's names, legacy ones
 * included), the defaults, and the configurations refused at start.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadServerConfig } from "../../src/config/config-file.ts";
import { DaguError } from "../../src/core/errors.ts";

const root = mkdtempSync(join(tmpdir(), "dagu-auth-cfg-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
async function load(yaml: string, env: Record<string, string> = {}) {
  const home = join(root, `h${n++}`);
  await Bun.write(join(home, "config.yaml"), yaml);
  return loadServerConfig({}, { DAGU_HOME: home, ...env });
}

test("defaults: no auth, admin user name 'admin', 24 h tokens; users and API keys under data/", async () => {
  const c = await load("");
  expect(c.auth).toEqual({ mode: "none", builtin: { adminUsername: "admin", adminPassword: "", tokenSecret: "", tokenTtlSec: 86400 } });
  expect(c.paths.usersDir).toBe(join(c.paths.dataDir, "users"));
  expect(c.paths.apiKeysDir).toBe(join(c.paths.dataDir, "apikeys"));
});

test("file keys", async () => {
  const c = await load(
    "auth:\n  mode: builtin\n  basic:\n    username: u\n    password: p\n  token:\n    value: tok\n  builtin:\n    admin:\n      username: root\n      password: rootpass1\n    token:\n      secret: sec\n      ttl: 1h30m\n",
  );
  expect(c.auth).toEqual({
    mode: "builtin",
    basic: { username: "u", password: "p" },
    token: "tok",
    builtin: { adminUsername: "root", adminPassword: "rootpass1", tokenSecret: "sec", tokenTtlSec: 5400 },
  });
});

test("env vars over file keys; Dagu's legacy names", async () => {
  const env = await load("auth:\n  basic:\n    username: file\n    password: file\n", { DAGU_AUTH_BASIC_USERNAME: "env", DAGU_AUTH_BASIC_PASSWORD: "envpass", DAGU_AUTH_TOKEN: "t1" });
  expect(env.auth.basic).toEqual({ username: "env", password: "envpass" });
  expect(env.auth.token).toBe("t1");
  const legacy = await load("", { DAGU_BASICAUTH_USERNAME: "old", DAGU_BASICAUTH_PASSWORD: "oldpass", DAGU_AUTHTOKEN: "t2" });
  expect(legacy.auth.basic).toEqual({ username: "old", password: "oldpass" });
  expect(legacy.auth.token).toBe("t2");
  const legacyFile = await load("basicAuthUsername: a\nbasicAuthPassword: b\nisAuthToken: true\nauthToken: t3\n");
  expect([legacyFile.auth.basic, legacyFile.auth.token]).toEqual([{ username: "a", password: "b" }, "t3"]);
  const builtin = await load("", {
    DAGU_AUTH_MODE: "builtin",
    DAGU_AUTH_ADMIN_USERNAME: "boss",
    DAGU_AUTH_ADMIN_PASSWORD: "bosspass",
    DAGU_AUTH_TOKEN_SECRET: "s",
    DAGU_AUTH_TOKEN_TTL: "15m",
    DAGU_USERS_DIR: join(root, "elsewhere"),
  });
  expect(builtin.auth.builtin).toEqual({ adminUsername: "boss", adminPassword: "bosspass", tokenSecret: "s", tokenTtlSec: 900 });
  expect(builtin.paths.usersDir).toBe(join(root, "elsewhere"));
  expect((await load("auth:\n  mode: basic\n  basic:\n    username: u\n    password: p\n")).auth.mode).toBe("none");
});

test("refused: unknown or unsupported mode, builtin without a secret, half a basic login, a bad ttl", async () => {
  const refused = async (yaml: string, env: Record<string, string>, text: string): Promise<void> => {
    const err = await load(yaml, env).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DaguError);
    expect((err as Error).message).toContain(text);
  };
  await refused("auth:\n  mode: magic\n", {}, 'got "magic"');
  await refused("auth:\n  mode: oidc\n", {}, "not supported");
  await refused("", { DAGU_AUTH_MODE: "builtin" }, "DAGU_AUTH_TOKEN_SECRET");
  await refused("", { DAGU_AUTH_BASIC_USERNAME: "only-user" }, "both a username and a password");
  await refused("auth:\n  mode: token\n", {}, "auth.token.value");
  await refused("auth:\n  mode: basic\n", {}, "auth.basic.username");
  await refused("", { DAGU_AUTH_MODE: "builtin", DAGU_AUTH_TOKEN_SECRET: "s", DAGU_AUTH_TOKEN_TTL: "forever" }, "auth.builtin.token.ttl");
});
