import { describe, expect, it } from 'vitest'
import { TokenBucket } from '../../src/simulator/bucket.ts'
import { rateLimitHeaders, rfc3339 } from '../../src/simulator/rate-headers.ts'

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0)

describe('token bucket arithmetic', () => {
  it('starts full, refills continuously (not per minute) and never above the capacity', () => {
    const b = new TokenBucket(60, T0)
    expect(b.level(T0)).toBe(60)
    b.take(60, T0)
    expect(b.level(T0)).toBe(0)
    expect(b.level(T0 + 500)).toBeCloseTo(0.5, 10)
    expect(b.level(T0 + 10_000)).toBeCloseTo(10, 10)
    expect(b.level(T0 + 10 * 60_000)).toBe(60)
  })

  it('waitFor: time until `need` is in the bucket; a need above the capacity never fits', () => {
    const b = new TokenBucket(2, T0)
    b.take(2, T0)
    expect(b.waitFor(1, T0)).toBe(30_000)
    expect(b.waitFor(2, T0)).toBe(60_000)
    expect(b.waitFor(1, T0 + 30_000)).toBe(0)
    expect(b.waitFor(3, T0)).toBe(Number.POSITIVE_INFINITY)
    expect(b.untilFull(T0 + 30_000)).toBe(30_000)
  })

  it('waits are whole milliseconds, rounded up: a client that waits exactly that long fits', () => {
    for (const perMinute of [7, 13, 333, 98_765]) {
      const b = new TokenBucket(perMinute, T0)
      b.take(perMinute, T0)
      const wait = b.waitFor(1, T0)
      expect(Number.isInteger(wait)).toBe(true)
      expect(wait).toBeGreaterThanOrEqual(60_000 / perMinute)
      expect(b.waitFor(1, T0 + wait - 1)).toBeGreaterThan(0)
      expect(b.waitFor(1, T0 + wait)).toBe(0)
    }
  })

  it('a smaller capacity: the same rate, a smaller burst', () => {
    const b = new TokenBucket(120, T0, 2)
    expect(b.level(T0)).toBe(2)
    b.take(2, T0)
    expect(b.waitFor(1, T0)).toBe(500)
    expect(b.waitFor(3, T0)).toBe(Number.POSITIVE_INFINITY)
    expect(b.level(T0 + 60_000)).toBe(2)
    expect(b.untilFull(T0 + 60_500)).toBe(0)
  })

  it('can go below zero (output counted after the fact) and refills from there', () => {
    const b = new TokenBucket(10, T0)
    b.take(30, T0)
    expect(b.level(T0)).toBe(-20)
    expect(b.waitFor(1, T0)).toBe(126_000)
    b.take(-100, T0 + 126_000)
    expect(b.level(T0 + 126_000)).toBe(10)
  })

  it('time never runs backwards: an earlier `now` does not drain the bucket', () => {
    const b = new TokenBucket(60, T0)
    b.take(30, T0 + 1000)
    expect(b.level(T0)).toBe(30)
  })
})

describe('rate-limit headers', () => {
  it('RFC 3339 in whole seconds, rounded up', () => {
    expect(rfc3339(T0)).toBe('2026-11-02T10:00:00Z')
    expect(rfc3339(T0 + 1)).toBe('2026-11-02T10:00:01Z')
    expect(rfc3339(T0 + 59_999)).toBe('2026-11-02T10:01:00Z')
  })

  it('limit, remaining and reset per bucket; tokens-* follows the bucket with the smaller share left', () => {
    const requests = new TokenBucket(50, T0)
    const input = new TokenBucket(10_000, T0)
    const output = new TokenBucket(2_000, T0)
    requests.take(1, T0)
    input.take(1_500, T0)
    output.take(1_000, T0)
    const h = rateLimitHeaders({ requests, input, output }, T0, false)
    expect(h).toEqual({
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': '2026-11-02T10:00:02Z',
      'anthropic-ratelimit-input-tokens-limit': '10000',
      'anthropic-ratelimit-input-tokens-remaining': '8500',
      'anthropic-ratelimit-input-tokens-reset': '2026-11-02T10:00:09Z',
      'anthropic-ratelimit-output-tokens-limit': '2000',
      'anthropic-ratelimit-output-tokens-remaining': '1000',
      'anthropic-ratelimit-output-tokens-reset': '2026-11-02T10:00:30Z',
      'anthropic-ratelimit-tokens-limit': '2000',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'anthropic-ratelimit-tokens-reset': '2026-11-02T10:00:30Z',
    })
    input.take(8_000, T0)
    expect(rateLimitHeaders({ input, output }, T0, false)['anthropic-ratelimit-tokens-limit']).toBe('10000')
  })

  it('only the configured limits; remaining never negative; optional rounding to the nearest thousand', () => {
    const output = new TokenBucket(8_000, T0)
    output.take(1_400, T0)
    expect(rateLimitHeaders({ output }, T0, true)).toEqual({
      'anthropic-ratelimit-output-tokens-limit': '8000',
      'anthropic-ratelimit-output-tokens-remaining': '7000',
      'anthropic-ratelimit-output-tokens-reset': '2026-11-02T10:00:11Z',
      'anthropic-ratelimit-tokens-limit': '8000',
      'anthropic-ratelimit-tokens-remaining': '7000',
      'anthropic-ratelimit-tokens-reset': '2026-11-02T10:00:11Z',
    })
    output.take(10_000, T0)
    expect(rateLimitHeaders({ output }, T0, false)['anthropic-ratelimit-output-tokens-remaining']).toBe('0')
  })
})
