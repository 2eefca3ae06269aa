const MINUTE = 60_000
const EPSILON = 1e-9

/**
 * A token bucket as Anthropic describes its limiter: it refills continuously at `perMinute`
 * (`perMinute / 60 000` per ms) up to its capacity, never in steps at fixed intervals, and starts
 * full. The capacity is a minute's worth by default; a smaller one enforces the same rate over a
 * shorter interval (Anthropic: "60 RPM might be enforced as 1 request per second"). The level may
 * go below zero when more is taken than it holds (output counted as generated); it then refills
 * from there.
 */
export class TokenBucket {
  readonly perMinute: number
  readonly capacity: number
  #level: number
  #at: number

  constructor(perMinute: number, now: number, capacity = perMinute) {
    this.perMinute = perMinute
    this.capacity = capacity
    this.#level = capacity
    this.#at = now
  }

  /** The level at `now` (refilled since the last look; time never runs backwards here). */
  level(now: number): number {
    if (now > this.#at) {
      this.#level = Math.min(this.capacity, this.#level + ((now - this.#at) * this.perMinute) / MINUTE)
      this.#at = now
    }
    return this.#level
  }

  /**
   * Whole milliseconds (rounded up) until the level reaches `need`: 0 when it already has, Infinity
   * when `need` exceeds the capacity. A client that waits exactly this long fits.
   */
  waitFor(need: number, now: number): number {
    if (need > this.capacity) return Number.POSITIVE_INFINITY
    const short = need - this.level(now)
    // Float refills land a hair under whole numbers: a client that waited exactly long enough fits.
    return short <= EPSILON ? 0 : Math.ceil((short * MINUTE) / this.perMinute)
  }

  /** Milliseconds until the bucket is full again. */
  untilFull(now: number): number {
    return ((this.capacity - this.level(now)) * MINUTE) / this.perMinute
  }

  /** Takes `n` (negative gives back), never above the capacity. */
  take(n: number, now: number): void {
    this.#level = Math.min(this.capacity, this.level(now) - n)
  }
}
