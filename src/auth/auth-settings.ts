/**
 * @module auth/auth-settings
 * The `auth:` section of config.yaml as the server uses it (read by config/config-file.ts,
 * FEATURES.md §8). As in Dagu 1.30.2, basic auth is on whenever a basic username and password
 * are set and the static token whenever `auth.token.value` is set; `auth.mode: builtin` adds
 * users, JWT logins and API keys. `auth.mode: basic` and `token` are accepted as names of
 * those credential-only setups. In builtin mode basic credentials are ignored (Dagu warns that
 * they are); a static token still works there, as the admin `api-token`.
 */

export interface BuiltinAuthSettings {
  /** Created with the admin role when no user exists yet (default `admin`). */
  readonly adminUsername: string;
  /** Its first password; generated (and printed once) when empty. */
  readonly adminPassword: string;
  /** HMAC key of the login tokens (required in builtin mode). */
  readonly tokenSecret: string;
  /** Lifetime of a login token, seconds (default 24 h). */
  readonly tokenTtlSec: number;
}

export interface AuthSettings {
  readonly mode: "none" | "builtin";
  readonly basic?: { readonly username: string; readonly password: string };
  /** The static API token (`Authorization: Bearer <token>`). */
  readonly token?: string;
  readonly builtin: BuiltinAuthSettings;
}

/** What the web UI is told: which sign-in it needs. */
export type UiAuthMode = "none" | "basic" | "token" | "builtin";

export const defaultAuthSettings: AuthSettings = {
  mode: "none",
  builtin: { adminUsername: "admin", adminPassword: "", tokenSecret: "", tokenTtlSec: 24 * 3600 },
};

/** Basic credentials in effect (never in builtin mode). */
export function basicCredentials(s: AuthSettings): { readonly username: string; readonly password: string } | undefined {
  return s.mode === "builtin" ? undefined : s.basic;
}

/** Whether requests must authenticate at all. */
export function authRequired(s: AuthSettings): boolean {
  return s.mode === "builtin" || basicCredentials(s) !== undefined || s.token !== undefined;
}

/**
 * The sign-in the UI needs: builtin users log in; a token-only server asks for the token; a
 * server with basic credentials relies on the browser's own prompt.
 */
export function uiAuthMode(s: AuthSettings): UiAuthMode {
  if (s.mode === "builtin") return "builtin";
  if (basicCredentials(s)) return "basic";
  if (s.token !== undefined) return "token";
  return "none";
}
