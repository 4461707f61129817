/**
 * A sliding-window counter of failures per key (e.g. failed user-code lookups per admin
 * credential: 10 per minute, then 429).
 */
export interface RateLimiter {
  /** Seconds to wait when the key is over its limit, else 0. */
  retryAfter(key: string, nowMs: number): number;
  recordFailure(key: string, nowMs: number): void;
}

export function createRateLimiter(limit: number, windowMs: number): RateLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string, nowMs: number) => {
    const list = (failures.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };
  return {
    retryAfter(key, nowMs) {
      const list = recent(key, nowMs);
      if (list.length < limit) return 0;
      const oldest = list[list.length - limit]!;
      return Math.max(1, Math.ceil((oldest + windowMs - nowMs) / 1000));
    },
    recordFailure(key, nowMs) {
      const list = recent(key, nowMs);
      list.push(nowMs);
      failures.set(key, list);
    },
  };
}
