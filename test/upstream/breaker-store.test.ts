// The breaker's shared state on a real redis-server through the local Upstash bridge (`npm test`).
import { describe, expect, it } from 'vitest'
import { upstashBreakerStore } from '../../src/upstream/breaker-store.ts'
import { CircuitBreaker } from '../../src/upstream/circuit-breaker.ts'
import { faultyUrl, uniquePrefix, upstashRedis } from '../support/upstash.ts'

describe('circuit breaker shared through Upstash', () => {
  it('stores an opening with its expiry, reads it back, clears it', async () => {
    const redis = upstashRedis()
    const prefix = uniquePrefix('breaker')
    const store = upstashBreakerStore(redis, { prefix })
    const until = Date.now() + 60_000
    await store.open('claude-opus-5-5', until)
    expect(await store.read(['claude-opus-5-5', 'claude-haiku-5-5'])).toEqual(new Map([['claude-opus-5-5', until]]))
    const ttl = await redis.pttl(`${prefix}claude-opus-5-5`)
    expect(ttl).toBeGreaterThan(55_000)
    expect(ttl).toBeLessThanOrEqual(60_000)
    await store.clear('claude-opus-5-5')
    expect(await store.read(['claude-opus-5-5'])).toEqual(new Map())
  })

  it('an opening in one isolate reaches another on its next background read', async () => {
    const store = upstashBreakerStore(upstashRedis(), { prefix: uniquePrefix('breaker') })
    const a = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 30_000, store })
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 30_000, store, syncIntervalMs: 0 })
    await a.failure('claude-opus-5-5')
    expect(b.check('claude-opus-5-5').allowed).toBe(true)
    await b.sync(['claude-opus-5-5'])
    const gate = b.check('claude-opus-5-5')
    expect(gate.allowed).toBe(false)
    expect(gate.allowed === false && gate.retryAfterMs).toBeGreaterThan(25_000)
  })

  it('a Redis that hangs never holds a request: the local state changes at once', async () => {
    const store = upstashBreakerStore(upstashRedis(faultyUrl({ mode: 'hang' })), { prefix: uniquePrefix('breaker') })
    const breaker = new CircuitBreaker({ failureThreshold: 1, store })
    const background = breaker.failure('claude-opus-5-5')
    expect(background).toBeInstanceOf(Promise)
    expect(breaker.isOpen('claude-opus-5-5')).toBe(true)
    expect(breaker.check('claude-opus-5-5').allowed).toBe(false)
  })
})
