/**
 * @module tests/auth/role
 * Dagu's role table (internal/auth/role.go) and the operation table of the server: every
 * route that changes something is listed, with the level Dagu's handler checks.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AccessLevel, isRole, type Role, roleAllows, roles } from "../../src/auth/role.ts";
import { loadServerConfig } from "../../src/config/config-file.ts";
import { buildApp } from "../../src/server/app.ts";
import { makeContext } from "../../src/server/context.ts";
import { isListed, routeAccess } from "../../src/server/route-access.ts";

test("what each role may do", () => {
  const table: Record<Role, AccessLevel[]> = {
    admin: ["read", "execute", "write", "admin"],
    manager: ["read", "execute", "write"],
    operator: ["read", "execute"],
    viewer: ["read"],
  };
  for (const role of roles) {
    for (const level of ["read", "execute", "write", "admin"] as const) {
      expect([role, level, roleAllows(role, level)]).toEqual([role, level, table[role].includes(level)]);
    }
  }
});

test("isRole accepts the four roles only", () => {
  for (const r of roles) expect(isRole(r)).toBe(true);
  for (const r of ["Admin", "root", "", undefined, 1]) expect(isRole(r)).toBe(false);
});

test("operations: Dagu's checks, and unknown mutating operations closed", () => {
  expect(routeAccess("executeDAG", "POST")).toEqual({ level: "execute", permission: "runDAGs" });
  expect(routeAccess("dequeueDAGRun", "GET")).toEqual({ level: "execute", permission: "runDAGs" });
  expect(routeAccess("updateDAGSuspensionState", "POST")).toEqual({ level: "execute", permission: "runDAGs" });
  expect(routeAccess("updateDAGSpec", "PUT")).toEqual({ level: "write", permission: "writeDAGs" });
  expect(routeAccess("deleteDAG", "DELETE")).toEqual({ level: "write", permission: "writeDAGs" });
  expect(routeAccess("createUser", "POST")).toEqual({ level: "admin" });
  expect(routeAccess("listAPIKeys", "GET")).toEqual({ level: "admin" });
  expect(routeAccess("validateDAGSpec", "POST")).toEqual({ level: "read" });
  expect(routeAccess("listDAGs", "GET")).toEqual({ level: "read" });
  expect(routeAccess("somethingNew", "POST")).toEqual({ level: "write" });
  expect(routeAccess(undefined, "DELETE")).toEqual({ level: "write" });
});

test("every route of the app that is not a GET is listed in the operation table", async () => {
  const home = mkdtempSync(join(tmpdir(), "dagu-route-access-"));
  try {
    const config = await loadServerConfig({ daguHome: home }, { DAGU_HOME: home });
    const app = buildApp(makeContext(config, "test", () => {}));
    const routes = app.routes as unknown as { method: string; path: string; hooks?: { detail?: { operationId?: string } } }[];
    const unlisted = routes
      .filter((r) => r.path.startsWith("/api/v2/") && r.method !== "GET" && r.method !== "HEAD")
      .map((r) => r.hooks?.detail?.operationId ?? `${r.method} ${r.path}`)
      .filter((id) => !isListed(id));
    expect(unlisted).toEqual([]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
