/**
 * @module tests/auth/jwt
 * HS256 tokens: round trip, Dagu's claims, tokens made by Dagu 1.30.2 verify with the same
 * secret, and every way a token can be wrong (secret, signature, payload, algorithm, expiry).
 */
import { expect, test } from "bun:test";
import { TokenExpiredError, TokenInvalidError } from "../../src/auth/errors.ts";
import { type JwtClaims, signJwt, verifyJwt } from "../../src/auth/jwt.ts";

const secret = "unit-test-secret";
const now = 1_800_000_000;
const claims: JwtClaims = { sub: "u-1", uid: "u-1", username: "ann", role: "manager", iat: now, exp: now + 3600 };

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");

test("sign then verify gives the claims back; the header is HS256/JWT", async () => {
  const token = await signJwt(claims, secret);
  expect(token.split(".")).toHaveLength(3);
  expect(JSON.parse(Buffer.from(token.split(".")[0] as string, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
  expect(await verifyJwt(token, secret, now + 10)).toEqual(claims);
});

test("a token issued by Dagu 1.30.2 (same secret) verifies, with its claims", async () => {
  const dagu =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiOTg3ZDM2OS1hYjA1LTQwNWItODVmNy0zOTQ2MWI0OTAxYzMiLCJleHAiOjE3OTUzODYzMTQsImlhdCI6MTc5NTI5OTkxNCwidWlkIjoiYjk4N2QzNjktYWIwNS00MDViLTg1ZjctMzk0NjFiNDkwMWMzIiwidXNlcm5hbWUiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.wXTmwOadP0cFo1hFnOKLNDezm3oQnzyrkMR_-j_IrP4";
  const c = await verifyJwt(dagu, "s3cr3t-s3cr3t", 1795299920);
  expect(c).toEqual({ sub: "b987d369-ab05-405b-85f7-39461b4901c3", uid: "b987d369-ab05-405b-85f7-39461b4901c3", username: "admin", role: "admin", iat: 1795299914, exp: 1795386314 });
  await expect(verifyJwt(dagu, "another-secret", 1795299920)).rejects.toBeInstanceOf(TokenInvalidError);
});

test("expiry: valid until exp, TokenExpiredError from exp on", async () => {
  const token = await signJwt(claims, secret);
  expect((await verifyJwt(token, secret, claims.exp - 1)).uid).toBe("u-1");
  await expect(verifyJwt(token, secret, claims.exp)).rejects.toBeInstanceOf(TokenExpiredError);
  await expect(verifyJwt(token, secret, claims.exp + 86400)).rejects.toBeInstanceOf(TokenExpiredError);
});

test("wrong secret, changed payload, changed or cut signature are invalid", async () => {
  const token = await signJwt(claims, secret);
  const [h, p, s] = token.split(".") as [string, string, string];
  await expect(verifyJwt(token, "other", now)).rejects.toBeInstanceOf(TokenInvalidError);
  const forged = b64({ ...claims, role: "admin" });
  await expect(verifyJwt(`${h}.${forged}.${s}`, secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  const flipped = `${s.slice(0, -2)}${s.endsWith("AA") ? "AB" : "AA"}`;
  await expect(verifyJwt(`${h}.${p}.${flipped}`, secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  await expect(verifyJwt(`${h}.${p}.${s.slice(0, 20)}`, secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  await expect(verifyJwt(`${h}.${p}`, secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  await expect(verifyJwt("", secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  await expect(verifyJwt("a.b.c", secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
});

test("alg none and other algorithms are refused, whatever the signature", async () => {
  const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
  await expect(verifyJwt(none, secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  const token = await signJwt(claims, secret);
  const [, p, s] = token.split(".") as [string, string, string];
  await expect(verifyJwt(`${b64({ alg: "HS512", typ: "JWT" })}.${p}.${s}`, secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
});

test("a signed token without exp or user id is invalid; nbf in the future is invalid", async () => {
  const raw = async (payload: Record<string, unknown>): Promise<string> => {
    const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const sig = Buffer.from(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input))).toString("base64url");
    return `${input}.${sig}`;
  };
  await expect(verifyJwt(await raw({ uid: "u-1", iat: now }), secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  await expect(verifyJwt(await raw({ exp: now + 60, iat: now }), secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  await expect(verifyJwt(await raw({ uid: "u-1", exp: now + 600, nbf: now + 300 }), secret, now)).rejects.toBeInstanceOf(TokenInvalidError);
  expect((await verifyJwt(await raw({ sub: "u-2", exp: now + 60 }), secret, now)).uid).toBe("u-2");
});

test("an empty secret never signs nor verifies", async () => {
  await expect(signJwt(claims, "")).rejects.toThrow();
  const token = await signJwt(claims, secret);
  await expect(verifyJwt(token, "", now)).rejects.toBeInstanceOf(TokenInvalidError);
});
