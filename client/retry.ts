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

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
