/**
 * @module tests/e2e/auth
 * Authentication end to end: `dist/dagu start-all` in each mode (none, basic, token, builtin)
 * over real HTTP. 401s name what is missing and carry WWW-Authenticate; the web UI's page and
 * assets load without credentials; roles give 403 (a viewer cannot start a DAG); users,
 * passwords and API keys work as Dagu's endpoints do; the event stream accepts the token
 * cookie and nothing else without a header; permissions.* switches hold in any mode; no
 * secret shows in the server's output. Where 1.30.2 has the mode, status codes, challenges
 * and shapes are compared with the reference binary.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { refTool } from "./harness.ts";
import { type ServerHandle, type Shape, shapeDiff, shapeOf, startServer, waitFinal } from "./server-harness.ts";

const dags = { hello: "steps:\n  - name: s\n    command: echo hello\n" };

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

interface ReqOptions {
  readonly bearer?: string;
  readonly basic?: readonly [string, string];
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One request; JSON bodies parsed. An event stream is cancelled after its headers. */
async function req(base: string, method: string, path: string, o: ReqOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.bearer !== undefined) headers["authorization"] = `Bearer ${o.bearer}`;
  if (o.basic) headers["authorization"] = `Basic ${Buffer.from(`${o.basic[0]}:${o.basic[1]}`).toString("base64")}`;
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(`${base}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
  if ((r.headers.get("content-type") ?? "").includes("event-stream")) {
    await r.body?.cancel();
    return { status: r.status, body: undefined, headers: r.headers };
  }
  const text = await r.text();
  let body: unknown = text;
  if ((r.headers.get("content-type") ?? "").includes("json") && text !== "") body = JSON.parse(text);
  return { status: r.status, body, headers: r.headers };
}

const api = (s: ServerHandle): string => s.api;
const msg = (r: Reply): string => (r.body as { message?: string }).message ?? "";

function expectUnauthorized(r: Reply, scheme: "Basic" | "Bearer", mentions: string): void {
  expect(r.status).toBe(401);
  expect(r.headers.get("www-authenticate")).toBe(`${scheme} realm="restricted"`);
  expect((r.body as { code: string }).code).toBe("unauthorized");
  expect(msg(r)).toContain(mentions);
}

describe("auth mode none (default)", () => {
  let s: ServerHandle;
  beforeAll(async () => {
    s = await startServer({ dags, files: { "config.yaml": "permissions:\n  writeDAGs: false\n  runDAGs: false\n" } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  test("no credentials needed; /auth/me 401; login and user admin not enabled; the UI is told none", async () => {
    expect((await req(api(s), "GET", "/dags")).status).toBe(200);
    expect((await req(api(s), "GET", "/dags", { bearer: "anything" })).status).toBe(200);
    const me = await req(api(s), "GET", "/auth/me");
    expect([me.status, me.headers.get("www-authenticate")]).toEqual([401, null]);
    expect((await req(api(s), "POST", "/auth/login", { body: { username: "a", password: "b" } })).status).toBe(401);
    expect(msg(await req(api(s), "GET", "/users"))).toContain("user management is not enabled");
    expect((await req(api(s), "GET", "/api-keys")).status).toBe(403);
    const html = await (await fetch(`${s.base}/`)).text();
    expect(html).toContain('"authMode":"none"');
  });

  test("permissions.writeDAGs/runDAGs: false → 403 for edits and runs, reading still works", async () => {
    const cases: [string, string, unknown][] = [
      ["POST", "/dags/hello/start", {}],
      ["POST", "/dags/hello/enqueue", {}],
      ["POST", "/dags/hello/suspend", { suspend: true }],
      ["POST", "/dags/hello/stop-all", undefined],
      ["POST", "/dag-runs", { spec: "steps:\n  - command: echo\n" }],
      ["PUT", "/dags/hello/spec", { spec: "steps:\n  - command: echo\n" }],
      ["POST", "/dags", { name: "new-one" }],
      ["POST", "/dags/hello/rename", { newFileName: "other" }],
      ["DELETE", "/dags/hello", undefined],
    ];
    for (const [method, path, body] of cases) {
      const r = await req(api(s), method, path, body === undefined ? {} : { body });
      expect([method, path, r.status, (r.body as { code: string }).code]).toEqual([method, path, 403, "forbidden"]);
      expect(msg(r)).toMatch(/permissions\.(runDAGs|writeDAGs): false/);
    }
    expect((await req(api(s), "GET", "/dags/hello/spec")).status).toBe(200);
    expect((await req(api(s), "POST", "/dags/validate", { body: { spec: "steps:\n  - command: echo\n" } })).status).toBe(200);
  });
});

describe("auth mode basic", () => {
  let s: ServerHandle;
  beforeAll(async () => {
    s = await startServer({ dags, env: { DAGU_AUTH_BASIC_USERNAME: "ops", DAGU_AUTH_BASIC_PASSWORD: "basic-pass-77" } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  test("401 with a Basic challenge without or with wrong credentials; right ones pass as an admin", async () => {
    expectUnauthorized(await req(api(s), "GET", "/dags"), "Basic", "HTTP Basic");
    expectUnauthorized(await req(api(s), "GET", "/dags", { basic: ["ops", "nope"] }), "Basic", "invalid username or password");
    expectUnauthorized(await req(api(s), "POST", "/dags/hello/start", { body: "not even json" }), "Basic", "HTTP Basic");
    expect((await req(api(s), "GET", "/dags", { basic: ["ops", "basic-pass-77"] })).status).toBe(200);
    const me = await req(api(s), "GET", "/auth/me", { basic: ["ops", "basic-pass-77"] });
    expect(me.body).toEqual({ user: { id: "ops", username: "ops", role: "admin", createdAt: "0001-01-01T00:00:00Z", updatedAt: "0001-01-01T00:00:00Z" } });
    const started = await req(api(s), "POST", "/dags/hello/start", { basic: ["ops", "basic-pass-77"], body: {} });
    expect(started.status).toBe(200);
  });

  test("open: /health, the UI page, deep links and assets; closed: /metrics and the OpenAPI document", async () => {
    expect((await req(api(s), "GET", "/health")).status).toBe(200);
    const page = await fetch(`${s.base}/dags/hello`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('"authMode":"basic"');
    const asset = html.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    if (asset) expect((await fetch(`${s.base}/${asset}`)).status).toBe(200);
    expectUnauthorized(await req(api(s), "GET", "/metrics"), "Basic", "HTTP Basic");
    expectUnauthorized(await req(s.base, "GET", "/metrics"), "Basic", "HTTP Basic");
    expectUnauthorized(await req(api(s), "GET", "/openapi.json"), "Basic", "HTTP Basic");
    // Oddly spelled paths to the API are closed too.
    expect((await req(s.base, "GET", "/api/v2/./dags")).status).toBe(401);
    expect((await req(s.base, "GET", "/api/v2/dags/")).status).toBe(401);
  });
});

describe("auth mode token, metrics public", () => {
  let s: ServerHandle;
  const token = "static-token-9f2c";
  beforeAll(async () => {
    s = await startServer({ dags, env: { DAGU_AUTH_TOKEN: token, DAGU_SERVER_METRICS: "public" } });
  });
  afterAll(async () => {
    await s?.stop();
  });

  test("Bearer <token> passes as the admin api-token; a missing or wrong token → 401 Bearer", async () => {
    expectUnauthorized(await req(api(s), "GET", "/dags"), "Bearer", "Authorization: Bearer");
    expectUnauthorized(await req(api(s), "GET", "/dags", { bearer: `${token}x` }), "Bearer", "invalid bearer token");
    expectUnauthorized(await req(api(s), "GET", "/dags", { basic: ["api-token", token] }), "Bearer", "Authorization: Bearer");
    expect((await req(api(s), "GET", "/dags", { bearer: token })).status).toBe(200);
    expect(((await req(api(s), "GET", "/auth/me", { bearer: token })).body as { user: { username: string; role: string } }).user).toMatchObject({ username: "api-token", role: "admin" });
    expect((await fetch(`${s.base}/`).then((r) => r.text())).includes('"authMode":"token"')).toBe(true);
  });

  test("metrics: public → /metrics without credentials", async () => {
    expect((await req(api(s), "GET", "/metrics")).status).toBe(200);
    expect((await req(s.base, "GET", "/metrics")).status).toBe(200);
  });

  test("event streams: the dagu_token cookie on GET /events only; never ?token=, never elsewhere", async () => {
    const cookie = { cookie: `other=1; dagu_token=${encodeURIComponent(token)}` };
    const ok = await req(api(s), "GET", "/events/dag-runs", { headers: cookie });
    expect([ok.status, ok.headers.get("content-type")]).toEqual([200, "text/event-stream"]);
    expect((await req(api(s), "GET", "/events/dag-runs", { bearer: token })).status).toBe(200);
    expect((await req(api(s), "GET", "/events/dag-runs")).status).toBe(401);
    expect((await req(api(s), "GET", `/events/dag-runs?token=${token}`)).status).toBe(401);
    expect((await req(api(s), "GET", "/events/dag-runs", { headers: { cookie: "dagu_token=wrong" } })).status).toBe(401);
    expect((await req(api(s), "GET", "/dags", { headers: cookie })).status).toBe(401);
    expect((await req(api(s), "POST", "/dags/hello/start", { headers: cookie, body: {} })).status).toBe(401);
  });
});

describe("auth mode builtin", () => {
  let s: ServerHandle;
  const secrets = { DAGU_AUTH_TOKEN_SECRET: "e2e-token-secret-4711", DAGU_AUTH_ADMIN_PASSWORD: "admin-pass-1234" };
  const seen: string[] = [];
  let admin = "";
  const login = async (username: string, password: string): Promise<string> => {
    const r = await req(api(s), "POST", "/auth/login", { body: { username, password } });
    expect(r.status).toBe(200);
    const token = (r.body as { token: string }).token;
    seen.push(token, password);
    return token;
  };
  const createUser = async (username: string, role: string): Promise<{ id: string; token: string }> => {
    const password = `${username}-password`;
    const r = await req(api(s), "POST", "/users", { bearer: admin, body: { username, password, role } });
    expect(r.status).toBe(201);
    return { id: (r.body as { user: { id: string } }).user.id, token: await login(username, password) };
  };

  beforeAll(async () => {
    s = await startServer({ dags, env: { DAGU_AUTH_MODE: "builtin", ...secrets } });
    seen.push(...Object.values(secrets));
    admin = await login("admin", secrets.DAGU_AUTH_ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await s?.stop();
  });

  test("login: wrong password 401 (no challenge), right one gives a token, its expiry and the user; /auth/me", async () => {
    const bad = await req(api(s), "POST", "/auth/login", { body: { username: "admin", password: "wrong-password" } });
    expect([bad.status, bad.headers.get("www-authenticate"), msg(bad)]).toEqual([401, null, "invalid username or password"]);
    expect((await req(api(s), "POST", "/auth/login", { body: { username: "nobody", password: "wrong-password" } })).status).toBe(401);
    const ok = await req(api(s), "POST", "/auth/login", { body: { username: "admin", password: secrets.DAGU_AUTH_ADMIN_PASSWORD } });
    const body = ok.body as { token: string; expiresAt: string; user: { username: string; role: string } };
    seen.push(body.token);
    expect(body.token.split(".")).toHaveLength(3);
    expect(Math.abs(Date.parse(body.expiresAt) - Date.now() - 24 * 3600_000)).toBeLessThan(60_000);
    expect(body.user).toMatchObject({ username: "admin", role: "admin" });
    const me = await req(api(s), "GET", "/auth/me", { bearer: body.token });
    expect((me.body as { user: { username: string } }).user.username).toBe("admin");
    expectUnauthorized(await req(api(s), "GET", "/auth/me"), "Bearer", "POST /api/v2/auth/login");
    expectUnauthorized(await req(api(s), "GET", "/auth/me", { bearer: `${body.token.slice(0, -3)}abc` }), "Bearer", "invalid login token");
    expect((await fetch(`${s.base}/login`).then((r) => r.text())).includes('"authMode":"builtin"')).toBe(true);
  });

  test("users: create, duplicate, bad input, list, get, update, reset password, delete (not oneself)", async () => {
    const created = await req(api(s), "POST", "/users", { bearer: admin, body: { username: "ursula", password: "ursula-pass", role: "viewer" } });
    expect(created.status).toBe(201);
    const user = (created.body as { user: { id: string; username: string; role: string; createdAt: string; updatedAt: string } }).user;
    expect(Object.keys(user).sort()).toEqual(["createdAt", "id", "role", "updatedAt", "username"]);
    expect((await req(api(s), "POST", "/users", { bearer: admin, body: { username: "ursula", password: "ursula-pass", role: "viewer" } })).status).toBe(409);
    expect((await req(api(s), "POST", "/users", { bearer: admin, body: { username: "x", password: "short", role: "viewer" } })).status).toBe(400);
    expect((await req(api(s), "POST", "/users", { bearer: admin, body: { username: "x", password: "long-enough", role: "root" } })).status).toBe(400);
    expect((await req(api(s), "POST", "/users", { bearer: admin, body: { username: "", password: "long-enough", role: "viewer" } })).status).toBe(400);
    const list = (await req(api(s), "GET", "/users", { bearer: admin })).body as { users: { username: string }[] };
    expect(list.users.map((u) => u.username)).toContain("ursula");
    expect(((await req(api(s), "GET", `/users/${user.id}`, { bearer: admin })).body as { user: { id: string } }).user.id).toBe(user.id);
    expect((await req(api(s), "GET", "/users/no-such-user", { bearer: admin })).status).toBe(404);
    const patched = await req(api(s), "PATCH", `/users/${user.id}`, { bearer: admin, body: { role: "operator", username: "ursula2" } });
    expect((patched.body as { user: { role: string; username: string } }).user).toMatchObject({ role: "operator", username: "ursula2" });
    expect((await req(api(s), "PATCH", `/users/${user.id}`, { bearer: admin, body: { username: "admin" } })).status).toBe(409);
    const reset = await req(api(s), "POST", `/users/${user.id}/reset-password`, { bearer: admin, body: { newPassword: "reset-pass-1" } });
    expect([reset.status, reset.body]).toEqual([200, { message: "Password reset successfully" }]);
    await login("ursula2", "reset-pass-1");
    const me = (await req(api(s), "GET", "/auth/me", { bearer: admin })).body as { user: { id: string } };
    const self = await req(api(s), "DELETE", `/users/${me.user.id}`, { bearer: admin });
    expect([self.status, msg(self)]).toEqual([403, "cannot delete your own account"]);
    expect((await req(api(s), "DELETE", `/users/${user.id}`, { bearer: admin })).status).toBe(204);
    expect((await req(api(s), "DELETE", `/users/${user.id}`, { bearer: admin })).status).toBe(404);
  });

  test("change password: wrong current 401, too short 400, then only the new one works", async () => {
    const { token } = await createUser("carl", "viewer");
    const wrong = await req(api(s), "POST", "/auth/change-password", { bearer: token, body: { currentPassword: "nope", newPassword: "carl-new-pass" } });
    expect([wrong.status, wrong.headers.get("www-authenticate")]).toEqual([401, null]);
    expect((await req(api(s), "POST", "/auth/change-password", { bearer: token, body: { currentPassword: "carl-password", newPassword: "short" } })).status).toBe(400);
    const ok = await req(api(s), "POST", "/auth/change-password", { bearer: token, body: { currentPassword: "carl-password", newPassword: "carl-new-pass" } });
    expect([ok.status, ok.body]).toEqual([200, { message: "Password changed successfully" }]);
    expect((await req(api(s), "POST", "/auth/login", { body: { username: "carl", password: "carl-password" } })).status).toBe(401);
    await login("carl", "carl-new-pass");
  });

  test("roles: viewer reads only; operator runs but cannot edit; manager edits but cannot manage users", async () => {
    const viewer = await createUser("vera", "viewer");
    const operator = await createUser("otto", "operator");
    const manager = await createUser("mia", "manager");
    expect((await req(api(s), "GET", "/dags", { bearer: viewer.token })).status).toBe(200);
    expect((await req(api(s), "GET", "/dags/hello/spec", { bearer: viewer.token })).status).toBe(200);
    const denied = await req(api(s), "POST", "/dags/hello/start", { bearer: viewer.token, body: {} });
    expect([denied.status, (denied.body as { code: string }).code]).toEqual([403, "forbidden"]);
    expect(msg(denied)).toContain("role viewer may not run or stop DAGs");
    expect((await req(api(s), "POST", "/dags/hello/suspend", { bearer: viewer.token, body: { suspend: true } })).status).toBe(403);
    expect((await req(api(s), "PUT", "/dags/hello/spec", { bearer: viewer.token, body: { spec: "steps:\n  - command: echo\n" } })).status).toBe(403);
    expect((await req(api(s), "GET", "/users", { bearer: viewer.token })).status).toBe(403);

    const started = await req(api(s), "POST", "/dags/hello/start", { bearer: operator.token, body: {} });
    expect(started.status).toBe(200);
    const runId = (started.body as { dagRunId: string }).dagRunId;
    await waitFinal(api(s), "hello", runId, 20_000, { headers: { authorization: `Bearer ${operator.token}` } });
    expect((await req(api(s), "PUT", "/dags/hello/spec", { bearer: operator.token, body: { spec: "steps:\n  - command: echo\n" } })).status).toBe(403);
    expect((await req(api(s), "POST", "/dags", { bearer: operator.token, body: { name: "by-operator" } })).status).toBe(403);

    expect((await req(api(s), "POST", "/dags", { bearer: manager.token, body: { name: "by-manager" } })).status).toBe(201);
    expect((await req(api(s), "DELETE", "/dags/by-manager", { bearer: manager.token })).status).toBe(204);
    expect((await req(api(s), "GET", "/api-keys", { bearer: manager.token })).status).toBe(403);
    expect((await req(api(s), "POST", "/users", { bearer: manager.token, body: { username: "m2", password: "m2-password", role: "admin" } })).status).toBe(403);
  }, 40_000);

  test("API keys: shown once, used as Bearer with their own role, role change counts at once, revoked → 401", async () => {
    const created = await req(api(s), "POST", "/api-keys", { bearer: admin, body: { name: "ci", description: "pipeline", role: "viewer" } });
    expect(created.status).toBe(201);
    const { apiKey, key } = created.body as { apiKey: { id: string; keyPrefix: string; lastUsedAt: string | null; createdBy: string }; key: string };
    seen.push(key);
    expect(key.startsWith(apiKey.keyPrefix)).toBe(true);
    expect(apiKey.lastUsedAt).toBeNull();
    expect((await req(api(s), "POST", "/api-keys", { bearer: admin, body: { name: "ci", role: "viewer" } })).status).toBe(409);
    expect((await req(api(s), "POST", "/api-keys", { bearer: admin, body: { name: "x", role: "superuser" } })).status).toBe(400);
    const listed = JSON.stringify((await req(api(s), "GET", "/api-keys", { bearer: admin })).body);
    expect(listed).toContain(apiKey.id);
    expect(listed).not.toContain(key);
    expect(JSON.stringify((await req(api(s), "GET", `/api-keys/${apiKey.id}`, { bearer: admin })).body)).not.toContain(key);

    expect((await req(api(s), "GET", "/dags", { bearer: key })).status).toBe(200);
    expect(((await req(api(s), "GET", "/auth/me", { bearer: key })).body as { user: { username: string; role: string } }).user).toMatchObject({ username: "apikey:ci", role: "viewer" });
    expect((await req(api(s), "POST", "/dags/hello/start", { bearer: key, body: {} })).status).toBe(403);
    const used = (await req(api(s), "GET", `/api-keys/${apiKey.id}`, { bearer: admin })).body as { apiKey: { lastUsedAt: string | null } };
    expect(used.apiKey.lastUsedAt).not.toBeNull();
    const patched = await req(api(s), "PATCH", `/api-keys/${apiKey.id}`, { bearer: admin, body: { role: "operator" } });
    expect((patched.body as { apiKey: { role: string } }).apiKey.role).toBe("operator");
    expect((await req(api(s), "POST", "/dags/hello/start", { bearer: key, body: {} })).status).toBe(200);
    expect((await req(api(s), "POST", "/auth/change-password", { bearer: key, body: { currentPassword: "x", newPassword: "yyyyyyyy" } })).status).toBe(400);

    expect((await req(api(s), "DELETE", `/api-keys/${apiKey.id}`, { bearer: admin })).status).toBe(204);
    expectUnauthorized(await req(api(s), "GET", "/dags", { bearer: key }), "Bearer", "invalid or revoked API key");
    expect((await req(api(s), "GET", `/api-keys/${apiKey.id}`, { bearer: admin })).status).toBe(404);
  }, 30_000);

  test("event stream with the login token (header or cookie); a viewer may watch", async () => {
    const viewer = await createUser("sse-viewer", "viewer");
    const viaCookie = await req(api(s), "GET", "/events/dag-runs", { headers: { cookie: `dagu_token=${viewer.token}` } });
    expect([viaCookie.status, viaCookie.headers.get("content-type")]).toEqual([200, "text/event-stream"]);
    expect((await req(api(s), "GET", "/events/dag-runs", { bearer: admin })).status).toBe(200);
    expectUnauthorized(await req(api(s), "GET", "/events/dag-runs"), "Bearer", "authentication required");
    // A streamed event arrives over the cookie-authenticated stream.
    const ac = new AbortController();
    const r = await fetch(`${api(s)}/events/dag-runs`, { headers: { cookie: `dagu_token=${viewer.token}` }, signal: ac.signal });
    const reader = (r.body as ReadableStream<Uint8Array>).getReader();
    const start = await req(api(s), "POST", "/dags/hello/start", { bearer: admin, body: {} });
    const runId = (start.body as { dagRunId: string }).dagRunId;
    let text = "";
    const deadline = Date.now() + 10_000;
    while (!text.includes(runId) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ac.abort();
    expect(text).toContain(runId);
  }, 20_000);

  test("no secret in the server's output: passwords, token secret, login tokens, API keys", async () => {
    await Bun.sleep(200);
    const out = s.output();
    expect(out).toContain("user logged in");
    const leaked = seen.filter((x) => x.length >= 8 && out.includes(x));
    expect(leaked).toEqual([]);
  });
});

describe("builtin mode: short-lived tokens", () => {
  test("a login token stops working when its TTL has passed", async () => {
    const s = await startServer({ env: { DAGU_AUTH_MODE: "builtin", DAGU_AUTH_TOKEN_SECRET: "ttl-secret", DAGU_AUTH_ADMIN_PASSWORD: "admin-pass-1234", DAGU_AUTH_TOKEN_TTL: "1s" } });
    try {
      const r = await req(s.api, "POST", "/auth/login", { body: { username: "admin", password: "admin-pass-1234" } });
      const token = (r.body as { token: string }).token;
      expect((await req(s.api, "GET", "/dags", { bearer: token })).status).toBe(200);
      await Bun.sleep(2100);
      expectUnauthorized(await req(s.api, "GET", "/dags", { bearer: token }), "Bearer", "expired");
    } finally {
      await s.stop();
    }
  }, 20_000);

  test("builtin mode without a token secret does not start", async () => {
    await expect(startServer({ env: { DAGU_AUTH_MODE: "builtin" } })).rejects.toThrow(/DAGU_AUTH_TOKEN_SECRET/);
  }, 20_000);
});

const hasRef = existsSync(refTool);

/** Status, challenge and body shape of one request on both servers (body shape only for 2xx/4xx JSON). */
async function compare(ours: ServerHandle, ref: ServerHandle, method: string, path: (side: "ours" | "ref") => string, o: (side: "ours" | "ref") => ReqOptions, shape = true): Promise<void> {
  const [a, b] = await Promise.all([req(ours.api, method, path("ours"), o("ours")), req(ref.api, method, path("ref"), o("ref"))]);
  expect([method, path("ours"), a.status]).toEqual([method, path("ours"), b.status]);
  expect(a.headers.get("www-authenticate")).toBe(b.headers.get("www-authenticate"));
  // Dagu's 401 from the middleware has no body; ours explains itself ({code, message}).
  if (shape && a.status !== 401 && typeof a.body === "object" && typeof b.body === "object") {
    expect(shapeDiff(shapeOf(a.body) as Shape, shapeOf(b.body) as Shape)).toEqual([]);
  }
}

describe.skipIf(!hasRef)("auth contract: ours vs the reference 1.30.2", () => {
  const envs = {
    basic: { DAGU_AUTH_BASIC_USERNAME: "ops", DAGU_AUTH_BASIC_PASSWORD: "basic-pass-77" },
    token: { DAGU_AUTH_TOKEN: "static-token-9f2c" },
    builtin: { DAGU_AUTH_MODE: "builtin", DAGU_AUTH_TOKEN_SECRET: "contract-secret-1", DAGU_AUTH_ADMIN_PASSWORD: "admin-pass-1234" },
  };
  const pairs: Record<string, { ours: ServerHandle; ref: ServerHandle }> = {};
  beforeAll(async () => {
    await Promise.all(
      Object.entries(envs).map(async ([mode, env]) => {
        const [ours, ref] = await Promise.all([startServer({ dags, env }), startServer({ ref: true, dags, env })]);
        pairs[mode] = { ours, ref };
      }),
    );
  }, 90_000);
  afterAll(async () => {
    await Promise.all(Object.values(pairs).flatMap((p) => [p.ours.stop(), p.ref.stop()]));
  });
  const pair = (mode: string): { ours: ServerHandle; ref: ServerHandle } => pairs[mode] as { ours: ServerHandle; ref: ServerHandle };

  test("basic: statuses and challenges", async () => {
    const { ours, ref } = pair("basic");
    const good = (): ReqOptions => ({ basic: ["ops", "basic-pass-77"] });
    for (const [method, path, o] of [
      ["GET", "/health", () => ({})],
      ["GET", "/dags", () => ({})],
      ["GET", "/dags", () => ({ basic: ["ops", "wrong"] as const })],
      ["GET", "/dags", good],
      ["GET", "/metrics", () => ({})],
      ["GET", "/auth/me", good],
      ["GET", "/users", good],
      ["POST", "/auth/login", () => ({ body: { username: "ops", password: "basic-pass-77" } })],
    ] as const) {
      await compare(ours, ref, method, () => path, o);
    }
  });

  test("token: statuses and challenges", async () => {
    const { ours, ref } = pair("token");
    for (const [method, path, o] of [
      ["GET", "/dags", () => ({})],
      ["GET", "/dags", () => ({ bearer: "wrong" })],
      ["GET", "/dags", () => ({ bearer: "static-token-9f2c" })],
      ["GET", "/auth/me", () => ({ bearer: "static-token-9f2c" })],
      ["GET", "/users", () => ({ bearer: "static-token-9f2c" })],
      ["GET", "/api-keys", () => ({ bearer: "static-token-9f2c" })],
      ["POST", "/auth/change-password", () => ({ bearer: "static-token-9f2c", body: { currentPassword: "a", newPassword: "bbbbbbbb" } })],
    ] as const) {
      await compare(ours, ref, method, () => path, o);
    }
  });

  test("builtin: login, me, users, API keys, roles", async () => {
    const { ours, ref } = pair("builtin");
    const tokens = { ours: "", ref: "" };
    const ids = { ours: "", ref: "" };
    const keys = { ours: "", ref: "" };
    const keyIds = { ours: "", ref: "" };
    const viewer = { ours: "", ref: "" };
    const loginBoth = async (username: string, password: string, into: { ours: string; ref: string }): Promise<void> => {
      const [a, b] = await Promise.all([
        req(ours.api, "POST", "/auth/login", { body: { username, password } }),
        req(ref.api, "POST", "/auth/login", { body: { username, password } }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(shapeDiff(shapeOf(a.body) as Shape, shapeOf(b.body) as Shape)).toEqual([]);
      into.ours = (a.body as { token: string }).token;
      into.ref = (b.body as { token: string }).token;
    };
    const as = (t: { ours: string; ref: string }) => (side: "ours" | "ref"): ReqOptions => ({ bearer: t[side] });
    await compare(ours, ref, "POST", () => "/auth/login", () => ({ body: { username: "admin", password: "wrong-password" } }));
    await loginBoth("admin", "admin-pass-1234", tokens);
    await compare(ours, ref, "GET", () => "/dags", () => ({}));
    await compare(ours, ref, "GET", () => "/dags", () => ({ bearer: "not-a-token" }));
    await compare(ours, ref, "GET", () => "/auth/me", as(tokens));
    await compare(ours, ref, "GET", () => "/users", as(tokens));
    const [ua, ub] = await Promise.all([
      req(ours.api, "POST", "/users", { bearer: tokens.ours, body: { username: "vic", password: "vic-password", role: "viewer" } }),
      req(ref.api, "POST", "/users", { bearer: tokens.ref, body: { username: "vic", password: "vic-password", role: "viewer" } }),
    ]);
    expect([ua.status, ub.status]).toEqual([201, 201]);
    expect(shapeDiff(shapeOf(ua.body) as Shape, shapeOf(ub.body) as Shape)).toEqual([]);
    ids.ours = (ua.body as { user: { id: string } }).user.id;
    ids.ref = (ub.body as { user: { id: string } }).user.id;
    const userPath = (side: "ours" | "ref"): string => `/users/${ids[side]}`;
    await compare(ours, ref, "POST", () => "/users", (side) => ({ bearer: tokens[side], body: { username: "vic", password: "vic-password", role: "viewer" } }));
    await compare(ours, ref, "POST", () => "/users", (side) => ({ bearer: tokens[side], body: { username: "w", password: "short", role: "viewer" } }), false);
    await compare(ours, ref, "POST", () => "/users", (side) => ({ bearer: tokens[side], body: { username: "w", password: "long-enough", role: "boss" } }), false);
    await compare(ours, ref, "GET", userPath, as(tokens));
    await compare(ours, ref, "GET", () => "/users/no-such-user", as(tokens));
    await compare(ours, ref, "PATCH", userPath, (side) => ({ bearer: tokens[side], body: { role: "viewer" } }));
    await compare(ours, ref, "POST", (side) => `${userPath(side)}/reset-password`, (side) => ({ bearer: tokens[side], body: { newPassword: "vic-password-2" } }));
    await loginBoth("vic", "vic-password-2", viewer);
    await compare(ours, ref, "GET", () => "/dags", as(viewer));
    await compare(ours, ref, "POST", () => "/dags/hello/start", (side) => ({ bearer: viewer[side], body: {} }));
    await compare(ours, ref, "GET", () => "/users", as(viewer));
    await compare(ours, ref, "POST", () => "/auth/change-password", (side) => ({ bearer: viewer[side], body: { currentPassword: "wrong", newPassword: "vic-password-3" } }));
    await compare(ours, ref, "POST", () => "/auth/change-password", (side) => ({ bearer: viewer[side], body: { currentPassword: "vic-password-2", newPassword: "vic-password-3" } }));

    const [ka, kb] = await Promise.all([
      req(ours.api, "POST", "/api-keys", { bearer: tokens.ours, body: { name: "ci", description: "pipeline", role: "viewer" } }),
      req(ref.api, "POST", "/api-keys", { bearer: tokens.ref, body: { name: "ci", description: "pipeline", role: "viewer" } }),
    ]);
    expect([ka.status, kb.status]).toEqual([201, 201]);
    expect(shapeDiff(shapeOf(ka.body) as Shape, shapeOf(kb.body) as Shape)).toEqual([]);
    keys.ours = (ka.body as { key: string }).key;
    keys.ref = (kb.body as { key: string }).key;
    keyIds.ours = (ka.body as { apiKey: { id: string } }).apiKey.id;
    keyIds.ref = (kb.body as { apiKey: { id: string } }).apiKey.id;
    const keyPath = (side: "ours" | "ref"): string => `/api-keys/${keyIds[side]}`;
    await compare(ours, ref, "POST", () => "/api-keys", (side) => ({ bearer: tokens[side], body: { name: "ci", role: "viewer" } }));
    await compare(ours, ref, "GET", () => "/api-keys", as(tokens));
    await compare(ours, ref, "GET", () => "/auth/me", as(keys));
    await compare(ours, ref, "POST", () => "/dags/hello/start", (side) => ({ bearer: keys[side], body: {} }));
    await compare(ours, ref, "GET", keyPath, as(tokens));
    await compare(ours, ref, "PATCH", keyPath, (side) => ({ bearer: tokens[side], body: { role: "operator" } }));
    await compare(ours, ref, "DELETE", keyPath, as(tokens));
    await compare(ours, ref, "GET", () => "/dags", as(keys));
    await compare(ours, ref, "DELETE", userPath, as(tokens));
    await compare(ours, ref, "GET", () => "/dags", as(viewer));
  }, 60_000);
});
