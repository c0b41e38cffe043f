/**
 * @module auth/principal
 * Who a request acts as once authenticated. A builtin user is read from the user store on
 * every request (a role change or a deletion counts at once); the other kinds are synthetic,
 * as in Dagu's middleware: an API key acts as `apikey:<name>` with the key's role, the static
 * API token as the admin `api-token`, a basic-auth login as an admin named after its user.
 */
import type { Role } from "./role.ts";

export type PrincipalKind = "user" | "api-key" | "api-token" | "basic";

export interface Principal {
  readonly kind: PrincipalKind;
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  /** ISO times; Go's zero time for synthetic principals, as Dagu shows them. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Go's zero `time.Time` in JSON: what Dagu shows as the dates of a synthetic user. */
export const zeroTime = "0001-01-01T00:00:00Z";

export function syntheticPrincipal(kind: Exclude<PrincipalKind, "user">, id: string, username: string, role: Role): Principal {
  return { kind, id, username, role, createdAt: zeroTime, updatedAt: zeroTime };
}
