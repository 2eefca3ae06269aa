// Races, timeouts and waits that stop on an abort signal. Every timer is cleared and every
// listener removed once the outcome is known, and a promise that loses a race never becomes an
// unhandled rejection.

/**
 * Settles as `promise` does, or rejects with `signal.reason` as soon as `signal` aborts (at once
 * when it already has). The listener is removed when `promise` settles.
 *
 * @example await raceAbort(iterator.next(), signal) // a stalled read stops when the client leaves
 */
export function raceAbort<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    // Subscribed also after an abort: a late rejection of `promise` is handled here.
    Promise.resolve(promise)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** A timer as an abort signal: see `timeoutSignal`. */
export interface TimeoutSignal {
  /** Aborted with `reason()` once the time is up, unless `clear()` came first. */
  readonly signal: AbortSignal
  /** Starts the wait over (an idle timeout that each event resets); nothing once it fired or was cleared. */
  restart(): void
  /** Stops the timer for good (idempotent). Call it in a `finally`. */
  clear(): void
}

/**
 * A signal that aborts with `reason()` after `ms`. Unlike `AbortSignal.timeout`, its timer can be
 * cleared (nothing outlives the work it bounds) and restarted, and its reason is the caller's.
 *
 * @example
 * const deadline = timeoutSignal(ms, () => new Error('upstream deadline'))
 * try { await call(AbortSignal.any([signal, deadline.signal])) } finally { deadline.clear() }
 */
export function timeoutSignal(ms: number, reason: () => unknown): TimeoutSignal {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let cleared = false
  const arm = () => {
    timer = setTimeout(() => controller.abort(reason()), ms)
  }
  arm()
  return {
    signal: controller.signal,
    restart() {
      if (cleared || controller.signal.aborted) return
      clearTimeout(timer)
      arm()
    },
    clear() {
      cleared = true
      clearTimeout(timer)
    },
  }
}

/**
 * `promise`, or a rejection with `onTimeout()` when it has not settled within `ms`. The timer is
 * always cleared; `promise` itself runs on (pass it a signal to stop it).
 *
 * @example await withTimeout(store.admit(input), 1000, () => new Error('no answer within 1000 ms'))
 */
export function withTimeout<T>(promise: PromiseLike<T>, ms: number, onTimeout: () => unknown): Promise<T> {
  const timeout = timeoutSignal(ms, onTimeout)
  return raceAbort(promise, timeout.signal).finally(timeout.clear)
}

/** Waits `ms`; rejects with the signal's reason as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
