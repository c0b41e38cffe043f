/**
 * @module auth/secret-compare
 * Compare a presented secret (static API token, basic-auth password) with the configured one
 * in constant time. Both sides are hashed first (SHA-256), so neither the content nor the
 * length of the configured secret shows in the time a comparison takes.
 */
import { createHash, timingSafeEqual } from "node:crypto";

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

export function sameSecret(presented: string, expected: string): boolean {
  // An empty expected secret means "not configured": nothing matches it.
  const equal = timingSafeEqual(digest(presented), digest(expected));
  return equal && expected !== "";
}
