/**
 * @module auth/password
 * Password rules and hashing. Hashes are bcrypt (cost 12) made with `Bun.password`, the same
 * as Dagu's (service/auth/service.go), so `data/users/` works with either program; `verify`
 * also accepts argon2 hashes. Rules, as Dagu: at least 8 characters; and at most 72 bytes,
 * bcrypt's limit (Dagu fails on longer ones; here they are refused up front).
 */
import { WeakPasswordError } from "./errors.ts";

const bcryptCost = 12;
export const minPasswordLength = 8;
const maxPasswordBytes = 72;

/** Throws WeakPasswordError when `password` breaks a rule. */
export function checkPasswordRules(password: string): void {
  if (password.length < minPasswordLength) throw new WeakPasswordError(`password: must be at least ${minPasswordLength} characters`);
  if (Buffer.byteLength(password, "utf8") > maxPasswordBytes) throw new WeakPasswordError(`password: must be at most ${maxPasswordBytes} bytes`);
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: "bcrypt", cost: bcryptCost });
}

/** For start-up (the first admin user), where nothing else waits. */
export function hashPasswordSync(password: string): string {
  return Bun.password.hashSync(password, { algorithm: "bcrypt", cost: bcryptCost });
}

/** Whether `password` matches `hash`; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hash === "") return false;
  try {
    return await Bun.password.verify(password, hash);
  } catch {
    return false;
  }
}

let dummyHash: string | undefined;

/**
 * Spend the time of one verification without a real hash, so a login for an unknown user
 * takes as long as one with a wrong password (no user enumeration by timing).
 */
export async function verifyNothing(password: string): Promise<void> {
  dummyHash ??= await hashPassword("dagu-timing-equaliser");
  await verifyPassword(password, dummyHash);
}

/** A random password of `length` URL-safe characters (the generated first admin password). */
export function generatePassword(length = 16): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(length))).toString("base64url").slice(0, length);
}
