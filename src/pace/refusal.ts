import { GatewayError } from '../errors.ts'

/**
 * The 429 of a call whose turn under Claude's rate limit would come later than the wait bound
 * (`QUEUE_MAX_WAIT_MS`, or the request's deadline): never a 5xx, and `Retry-After` says when the
 * turn would have come.
 */
export function paceRefusal(retryAfterMs: number): GatewayError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return new GatewayError(
    'rate_limit_error',
    `Claude's rate limit for this model is fully booked: the next free slot is in ${seconds} s, later than this gateway lets a request wait (QUEUE_MAX_WAIT_MS). Retry after the Retry-After delay, or use another model.`,
    { headers: { 'Retry-After': String(seconds) } },
  )
}
