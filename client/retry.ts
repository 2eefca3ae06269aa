/** Automatic retry of a connection that failed before any part of the reply arrived. */
export interface RetryOptions {
  /** Retries after the first attempt. Default: 2. */
  attempts?: number
  /** Delay before the first retry, doubled each time (with full jitter). Default: 500 ms. */
  initialDelayMs?: number
  /** Upper bound of one delay. Default: 4000 ms. */
  maxDelayMs?: number
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, initial·2^n)]. */
export function backoffDelay(retry: number, options: Required<RetryOptions>, random = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** retry)
  return Math.round(random() * ceiling)
}
