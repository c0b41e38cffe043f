/**
 * @module auth/auth-system
 * The auth pieces a server needs, built once from the settings: the user accounts and API
 * keys (builtin mode only) and the authenticator that uses them.
 */
import { ApiKeys } from "./api-keys.ts";
import type { AuthSettings } from "./auth-settings.ts";
import { Authenticator } from "./authenticator.ts";
import { UserAccounts } from "./user-accounts.ts";

export interface AuthSystem {
  readonly settings: AuthSettings;
  /** Builtin mode only. */
  readonly accounts?: UserAccounts;
  /** Builtin mode only. */
  readonly apiKeys?: ApiKeys;
  readonly authenticator: Authenticator;
}

export function createAuthSystem(settings: AuthSettings, dirs: { readonly usersDir: string; readonly apiKeysDir: string }): AuthSystem {
  if (settings.mode !== "builtin") return { settings, authenticator: new Authenticator(settings) };
  const accounts = new UserAccounts(dirs.usersDir, { secret: settings.builtin.tokenSecret, ttlSec: settings.builtin.tokenTtlSec });
  const apiKeys = new ApiKeys(dirs.apiKeysDir);
  return { settings, accounts, apiKeys, authenticator: new Authenticator(settings, accounts, apiKeys) };
}
