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

/** Seconds a response asks to wait: `retry-after-ms`, else `retry-after` (seconds or an HTTP date); undefined when neither. */
export function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'))
  if (Number.isFinite(ms) && ms > 0) return ms / 1000
  const raw = headers?.get('retry-after')
  if (!raw) return undefined
  const seconds = Number(raw)
  if (Number.isFinite(seconds)) return Math.max(0, seconds)
  const date = Date.parse(raw)
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : undefined
}

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
    const seconds = retryAfterSeconds(headers) ?? 0
    // A 429 without a usable retry-after still means "not now": wait a second.
    retryAfterMs = seconds > 0 ? Math.ceil(seconds * 1000) : 1000
  }
  if (!retryAfterMs && limits.every((l) => l === 0) && remaining.every((r) => r < 0)) return undefined
  return { limits, remaining, retryAfterMs }
}
