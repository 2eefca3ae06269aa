import type { PerMinute } from './schedule.ts'

/** What one upstream response says about its model group's limits. */
export interface RateLimitReport {
  /** `anthropic-ratelimit-{requests,input-tokens,output-tokens}-limit` (0: not sent). */
  limits: PerMinute
  /** `…-remaining` (-1: not sent). */
  remaining: [number, number, number]
  /** A 429's `retry-after-ms` / `retry-after`, in ms (0: none). */
  retryAfterMs: number
}

const NAMES = ['requests', 'input-tokens', 'output-tokens'] as const

function count(headers: Headers, name: string, missing: number): number {
  const raw = headers.get(name)
  const value = raw === null ? Number.NaN : Number(raw)
  return Number.isFinite(value) && value >= 0 ? Math.floor(value) : missing
}

/** Reads Anthropic's rate-limit headers; undefined when the response has none of them. */
export function readRateLimitHeaders(headers: Headers | undefined, status: number): RateLimitReport | undefined {
  if (!headers) return undefined
  const limits = NAMES.map((n) => count(headers, `anthropic-ratelimit-${n}-limit`, 0)) as PerMinute
  const remaining = NAMES.map((n) => count(headers, `anthropic-ratelimit-${n}-remaining`, -1)) as [number, number, number]
  let retryAfterMs = 0
  if (status === 429) {
    const ms = Number(headers.get('retry-after-ms'))
    const seconds = Number(headers.get('retry-after'))
    // A 429 without a usable retry-after still means "not now": wait a second.
    retryAfterMs =
      Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : 1000
  }
  if (!retryAfterMs && limits.every((l) => l === 0) && remaining.every((r) => r < 0)) return undefined
  return { limits, remaining, retryAfterMs }
}
