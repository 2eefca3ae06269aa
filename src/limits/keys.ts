/** Redis key names; one place so the store and tests agree. */
export function limitKeys(prefix: string, who: string) {
  return {
    requests: (windowMs: number, index: number) => `${prefix}:r:${who}:${windowMs}:${index}`,
    tokens: (windowMs: number, index: number) => `${prefix}:t:${who}:${windowMs}:${index}`,
    day: (day: string) => `${prefix}:d:${who}:${day}`,
    global: (day: string) => `${prefix}:g:${day}`,
  }
}

/** An assistant version's daily figures (not per caller). */
export const assistantStatsKey = (prefix: string, assistant: string, version: string, day: string) =>
  `${prefix}:a:${assistant}:${version}:${day}`

/** Assistant figures are kept a week, for an operator's view of recent days. */
export const ASSISTANT_STATS_TTL_MS = 8 * 86_400_000

/** Window counters live two windows (the sliding window reads the previous one), plus a second. */
export const windowTtlMs = (windowMs: number) => windowMs * 2 + 1000

/** Daily counters outlive their day by an hour, so a request settled just after midnight still finds its hold. */
export const DAY_GRACE_MS = 3_600_000

/**
 * Time to live of the daily counters, relative to the limiter's clock: Redis is given a duration
 * (PEXPIRE), never an instant, so its clock and the Worker's need not agree.
 */
export const dayTtlMs = (dayEndsAt: number, now: number) => Math.max(1, dayEndsAt - now + DAY_GRACE_MS)
