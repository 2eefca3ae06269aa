import { describe, expect, it } from 'vitest'
import { RetryPolicy } from '../../src/upstream/retry-policy.ts'

describe('RetryPolicy', () => {
  it('backs off exponentially with full jitter: random × min(max, base × 2^n)', () => {
    const randoms = [0.5, 0.25, 0.999]
    const policy = new RetryPolicy({ maxRetries: 5, baseDelayMs: 500, maxDelayMs: 8000, random: () => randoms.shift() ?? 1 })
    const overloaded = { kind: 'overloaded' as const }
    expect(policy.delayMs(overloaded, 0)).toBe(250) // 0.5 × 500
    expect(policy.delayMs(overloaded, 1)).toBe(250) // 0.25 × 1000
    expect(policy.delayMs(overloaded, 2)).toBe(1998) // floor(0.999 × 2000)
    expect(policy.delayMs(overloaded, 4)).toBe(8000) // capped: 1 × min(8000, 8000)
    expect(policy.delayMs(overloaded, 5)).toBeUndefined() // out of retries
  })

  it('honours retry-after exactly, up to maxRetryAfterMs', () => {
    const policy = new RetryPolicy({ random: () => 0, maxRetryAfterMs: 20_000 })
    expect(policy.delayMs({ kind: 'rate_limited', retryAfterSec: 2 }, 0)).toBe(2000)
    expect(policy.delayMs({ kind: 'rate_limited', retryAfterSec: 0.25 }, 1)).toBe(250)
    expect(policy.delayMs({ kind: 'rate_limited', retryAfterSec: 60 }, 0)).toBeUndefined()
  })

  it('retries 429, 529, 5xx, network and timeouts; never 400, 401/403 or an abort; obeys x-should-retry', () => {
    const policy = new RetryPolicy({ random: () => 0.5 })
    for (const kind of ['overloaded', 'rate_limited', 'server', 'network', 'timeout'] as const)
      expect(policy.delayMs({ kind }, 0)).toBe(250)
    for (const kind of ['bad_request', 'misconfigured', 'aborted'] as const) expect(policy.delayMs({ kind }, 0)).toBeUndefined()
    expect(policy.delayMs({ kind: 'server', shouldRetry: false }, 0)).toBeUndefined()
  })
})
