import type { RateLimitState } from './limiter.ts'

/** The rate-limit headers (docs/http.md#rate-limit-headers) for the limit a response is subject to. */
export function rateLimitHeaders(state: RateLimitState | undefined, retryAfterSeconds?: number): Record<string, string> {
  const headers: Record<string, string> = {}
  if (state) {
    headers['RateLimit-Limit'] = String(state.limit)
    headers['RateLimit-Remaining'] = String(state.remaining)
    headers['RateLimit-Reset'] = String(state.resetSeconds)
  }
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds)
  return headers
}
