/**
 * The sliding window of `@upstash/ratelimit` (`Ratelimit.slidingWindow`): two fixed windows, the
 * previous one weighted by how much of it still overlaps the sliding window. Both stores (Redis
 * script and memory) count with these numbers, so they agree to the unit.
 */
export interface WindowPosition {
  /** Index of the current fixed window: `floor(now / windowMs)`. */
  index: number
  /** Weight of the previous window still inside the sliding window, in (0, 1]. */
  weight: number
  /** Milliseconds until the current fixed window ends. */
  msToEnd: number
}

export function windowAt(now: number, windowMs: number): WindowPosition {
  const index = Math.floor(now / windowMs)
  const elapsed = now - index * windowMs
  return { index, weight: 1 - elapsed / windowMs, msToEnd: windowMs - elapsed }
}

/** Units counted in the sliding window: same rounding as `@upstash/ratelimit`. */
export function usedIn(current: number, previous: number, weight: number): number {
  return Math.floor(previous * weight) + current
}

/**
 * Milliseconds until `need` more units fit under `limit`, given the counts of the current and
 * previous fixed windows at `now`; `Infinity` if `need` alone is above the limit.
 */
export function msUntilFits(need: number, limit: number, current: number, previous: number, now: number, windowMs: number): number {
  if (need > limit) return Infinity
  const { weight, msToEnd } = windowAt(now, windowMs)
  if (usedIn(current, previous, weight) + need <= limit) return 0
  const elapsed = windowMs - msToEnd
  // Still inside this window: the previous window's weight has to fall far enough.
  if (current + need <= limit && previous > 0) {
    // floor(previous * weight) <= limit - current - need  ⇔  weight < (limit - current - need + 1) / previous
    const target = windowMs * (1 - (limit - current - need + 1) / previous)
    return Math.max(1, Math.floor(target - elapsed) + 1)
  }
  // Only the next window: this window becomes the previous one and starts fading.
  if (current === 0) return msToEnd
  const target = windowMs * (1 - (limit - need + 1) / current)
  return msToEnd + Math.max(0, Math.floor(target) + 1)
}
