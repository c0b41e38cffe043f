/**
 * @module auth/role
 * Dagu's four roles (internal/auth/role.go) and what each may do, most to least privileged:
 * - admin: everything, including users and API keys;
 * - manager: create, edit, rename and delete DAGs, and everything an operator may do;
 * - operator: start, enqueue, stop, retry, reschedule, dequeue and (un)suspend runs;
 * - viewer: read only.
 * An API operation needs one access level (server/route-access.ts); a role allows a level.
 */

export const roles = ["admin", "manager", "operator", "viewer"] as const;
export type Role = (typeof roles)[number];

/** What an operation needs: reading, running DAGs, changing DAG files, or administration. */
export type AccessLevel = "read" | "execute" | "write" | "admin";

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (roles as readonly string[]).includes(v);
}

/** The levels each role allows (role.go: CanWrite, CanExecute, IsAdmin). */
const allowed: Readonly<Record<Role, readonly AccessLevel[]>> = {
  admin: ["read", "execute", "write", "admin"],
  manager: ["read", "execute", "write"],
  operator: ["read", "execute"],
  viewer: ["read"],
};

export function roleAllows(role: Role, level: AccessLevel): boolean {
  return allowed[role].includes(level);
}
