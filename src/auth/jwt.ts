/**
 * @module auth/jwt
 * JSON Web Tokens signed with HMAC-SHA256 (HS256) through WebCrypto, with Dagu's claims
 * (service/auth/service.go): `sub` and `uid` (the user id), `username`, `role`, `iat`, `exp`.
 * A token from Dagu verifies here with the same secret, and the other way round.
 * Verification accepts only `alg: HS256` (never `none` or another algorithm named by the
 * token), checks the signature in constant time (crypto.subtle.verify), and requires `exp`.
 */
import { TokenExpiredError, TokenInvalidError } from "./errors.ts";

export interface JwtClaims {
  readonly sub: string;
  readonly uid: string;
  readonly username: string;
  readonly role: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    if (keys.size > 8) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function b64urlJson(value: unknown): string {
  return b64url(encoder.encode(JSON.stringify(value)));
}

/** base64url → bytes; undefined when the text is not canonical base64url. */
function fromB64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64url");
  return b64url(bytes) === text ? new Uint8Array(bytes) : undefined;
}

function parseJsonPart(text: string): Record<string, unknown> | undefined {
  const bytes = fromB64url(text);
  if (!bytes) return undefined;
  try {
    const v: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function signJwt(claims: JwtClaims, secret: string): Promise<string> {
  if (secret === "") throw new Error("signJwt: empty secret");
  const input = `${b64urlJson({ alg: "HS256", typ: "JWT" })}.${b64urlJson(claims)}`;
  const sig = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(input));
  return `${input}.${b64url(new Uint8Array(sig))}`;
}

/**
 * The claims of a valid token. Throws TokenExpiredError when `exp` has passed,
 * TokenInvalidError for anything else wrong.
 */
export async function verifyJwt(token: string, secret: string, nowSec: number = Math.floor(Date.now() / 1000)): Promise<JwtClaims> {
  if (secret === "") throw new TokenInvalidError();
  const parts = token.split(".");
  if (parts.length !== 3) throw new TokenInvalidError();
  const [headerText, payloadText, sigText] = parts as [string, string, string];
  const header = parseJsonPart(headerText);
  if (header?.["alg"] !== "HS256") throw new TokenInvalidError();
  const sig = fromB64url(sigText);
  if (!sig || sig.length !== 32) throw new TokenInvalidError();
  const ok = await crypto.subtle.verify("HMAC", await hmacKey(secret), sig, encoder.encode(`${headerText}.${payloadText}`));
  if (!ok) throw new TokenInvalidError();
  const p = parseJsonPart(payloadText);
  if (!p) throw new TokenInvalidError();
  const exp = p["exp"];
  const iat = p["iat"] ?? 0;
  const nbf = p["nbf"];
  const uid = p["uid"] ?? p["sub"];
  if (typeof exp !== "number" || typeof iat !== "number" || typeof uid !== "string" || uid === "") throw new TokenInvalidError();
  // A few seconds of leeway for `nbf` (clocks of two servers); none for `exp`, as Dagu.
  if (typeof nbf === "number" && nbf > nowSec + 5) throw new TokenInvalidError();
  if (exp <= nowSec) throw new TokenExpiredError();
  return {
    sub: typeof p["sub"] === "string" ? p["sub"] : uid,
    uid,
    username: typeof p["username"] === "string" ? p["username"] : "",
    role: typeof p["role"] === "string" ? p["role"] : "",
    iat,
    exp,
  };
}
