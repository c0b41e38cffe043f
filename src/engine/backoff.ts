/**
 * @module engine/backoff
 * Wait before retry/repeat number `attempt` (0-based): `interval × backoff^attempt`, capped
 * at `max` when set; a backoff of 0 keeps the interval constant.
 */
export function backoffMs(intervalSec: number, backoff: number, maxIntervalSec: number, attempt: number): number {
  const base = intervalSec * 1000;
  if (backoff <= 0) return base;
  const ms = base * backoff ** attempt;
  return maxIntervalSec > 0 ? Math.min(ms, maxIntervalSec * 1000) : ms;
}
