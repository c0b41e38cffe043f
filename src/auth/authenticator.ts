/**
 * @module auth/authenticator
 * Who is asking: the credentials of one request → a principal, or the reason there is none.
 * The methods and their order are Dagu's middleware (frontend/auth/middleware.go): a JWT
 * from /auth/login, then an API key (`dagu_…`), then the static API token, then HTTP Basic.
 * Builtin login tokens and API keys exist only in builtin mode. Wrong basic credentials are
 * refused outright; a bearer value that fits no method is reported by what it looked like.
 */
import type { ApiKeys } from "./api-keys.ts";
import { apiKeyPrefix } from "./api-keys.ts";
import { type AuthSettings, authRequired, basicCredentials } from "./auth-settings.ts";
import { TokenExpiredError, TokenInvalidError } from "./errors.ts";
import { type Principal, syntheticPrincipal } from "./principal.ts";
import { sameSecret } from "./secret-compare.ts";
import type { UserAccounts } from "./user-accounts.ts";

export type AuthOutcome =
  /** Go on; `principal` is undefined when no authentication is configured. */
  | { readonly ok: true; readonly principal: Principal | undefined }
  /** 401: `message` says what is missing or wrong; `challenge` is the WWW-Authenticate scheme. */
  | { readonly ok: false; readonly message: string; readonly challenge: "Basic" | "Bearer" };

export interface Credentials {
  /** The Authorization header, if any. */
  readonly authorization: string | null;
  /** A bearer token from elsewhere (the event-stream cookie), used when there is no header. */
  readonly fallbackToken?: string | undefined;
}

function parseBasic(value: string): { user: string; pass: string } | undefined {
  let text: string;
  try {
    text = Buffer.from(value, "base64").toString("utf8");
  } catch {
    return undefined;
  }
  const i = text.indexOf(":");
  return i < 0 ? undefined : { user: text.slice(0, i), pass: text.slice(i + 1) };
}

export class Authenticator {
  constructor(
    private readonly settings: AuthSettings,
    private readonly accounts?: UserAccounts,
    private readonly apiKeys?: ApiKeys,
  ) {}

  /** Whether requests must authenticate (any method configured). */
  get required(): boolean {
    return authRequired(this.settings);
  }

  async authenticate(c: Credentials): Promise<AuthOutcome> {
    if (!this.required) return { ok: true, principal: undefined };
    const header = c.authorization?.trim() ?? "";
    const space = header.indexOf(" ");
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const value = space < 0 ? "" : header.slice(space + 1).trim();
    const bearer = scheme === "bearer" ? value : header === "" ? (c.fallbackToken ?? "") : "";
    const basic = basicCredentials(this.settings);
    const challenge = basic ? "Basic" : "Bearer";
    let problem: string | undefined;

    if (bearer !== "" && this.accounts && bearer.split(".").length === 3) {
      try {
        const user = await this.accounts.userFromToken(bearer);
        return { ok: true, principal: { kind: "user", id: user.id, username: user.username, role: user.role, createdAt: user.createdAt, updatedAt: user.updatedAt } };
      } catch (e) {
        if (e instanceof TokenExpiredError) problem = "login token has expired; log in again";
        else if (e instanceof TokenInvalidError) problem = "invalid login token";
        else throw e;
      }
    }
    if (bearer.startsWith(apiKeyPrefix) && this.apiKeys) {
      const key = await this.apiKeys.verify(bearer);
      if (key) return { ok: true, principal: syntheticPrincipal("api-key", `apikey:${key.id}`, `apikey:${key.name}`, key.role) };
      problem = "invalid or revoked API key";
    }
    if (bearer !== "" && this.settings.token !== undefined && sameSecret(bearer, this.settings.token)) {
      return { ok: true, principal: syntheticPrincipal("api-token", "api-token", "api-token", "admin") };
    }
    if (basic && scheme === "basic") {
      const cred = parseBasic(value);
      const userOk = sameSecret(cred?.user ?? "", basic.username);
      const passOk = sameSecret(cred?.pass ?? "", basic.password);
      if (cred && userOk && passOk) return { ok: true, principal: syntheticPrincipal("basic", cred.user, cred.user, "admin") };
      return { ok: false, message: "invalid username or password", challenge };
    }
    if (problem) return { ok: false, message: problem, challenge };
    if (bearer !== "") return { ok: false, message: "invalid bearer token", challenge };
    return { ok: false, message: this.missing(), challenge };
  }

  /** What a request without credentials should have sent. */
  private missing(): string {
    const s = this.settings;
    const ways: string[] = [];
    if (s.mode === "builtin") ways.push("a login token (POST /api/v2/auth/login) or an API key as Authorization: Bearer");
    if (s.token !== undefined) ways.push("the API token as Authorization: Bearer");
    if (basicCredentials(s)) ways.push("a username and password (HTTP Basic)");
    return `authentication required: send ${ways.join(", or ")}`;
  }
}
