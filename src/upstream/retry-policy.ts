import type { UpstreamFailure } from './errors.ts'

export interface RetryPolicyOptions {
  /** Retries of one model after its first attempt, before falling back. Default: 2. */
  maxRetries?: number
  /** First backoff ceiling in ms; doubles per retry. Default: 500. */
  baseDelayMs?: number
  /** Largest backoff ceiling in ms. Default: 8000. */
  maxDelayMs?: number
  /**
   * Longest `retry-after` we wait for on the same model; a longer ask moves on to the next model
   * of the fallback chain (or answers 503 with that Retry-After). Default: 20000.
   */
  maxRetryAfterMs?: number
  /** Random number in [0, 1) for the jitter. Default: `Math.random`. */
  random?: () => number
}

/** Kinds worth another attempt on the same model. */
const RETRYABLE = new Set<UpstreamFailure['kind']>(['overloaded', 'rate_limited', 'server', 'network', 'timeout'])

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): before retry n (0-based) wait `random() × min(maxDelayMs, baseDelayMs × 2ⁿ)`,
 * unless the upstream said how long to wait (`retry-after-ms`, then `retry-after`), which wins.
 */
export class RetryPolicy {
  readonly maxRetries: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxRetryAfterMs: number
  readonly #random: () => number

  constructor(options: RetryPolicyOptions = {}) {
    const { maxRetries = 2, baseDelayMs = 500, maxDelayMs = 8000, maxRetryAfterMs = 20_000, random = Math.random } = options
    this.maxRetries = maxRetries
    this.baseDelayMs = baseDelayMs
    this.maxDelayMs = maxDelayMs
    this.maxRetryAfterMs = maxRetryAfterMs
    this.#random = random
  }

  /**
   * Milliseconds to wait before retrying the same model after `failure`, which was retry number
   * `retry` (0 for the first attempt's failure); undefined means do not retry this model.
   */
  delayMs(failure: UpstreamFailure, retry: number): number | undefined {
    if (!RETRYABLE.has(failure.kind) || failure.shouldRetry === false) return undefined
    if (retry >= this.maxRetries) return undefined
    if (failure.retryAfterSec !== undefined) {
      const asked = Math.ceil(failure.retryAfterSec * 1000)
      return asked > this.maxRetryAfterMs ? undefined : asked
    }
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** retry)
    return Math.floor(this.#random() * ceiling)
  }
}
