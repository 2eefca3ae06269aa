import { describe, expect, it } from 'vitest'
import type { BreakerStore } from '../../src/upstream/breaker-store.ts'
import { CircuitBreaker } from '../../src/upstream/circuit-breaker.ts'

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t }
  return c
}

describe('CircuitBreaker', () => {
  it('opens after the threshold within the window, skips for the cool-down, then lets one probe through', () => {
    const c = clock()
    const breaker = new CircuitBreaker({ failureThreshold: 3, windowMs: 10_000, cooldownMs: 30_000, now: c.now })
    breaker.failure('m')
    c.t += 20_000 // the first failure leaves the window
    breaker.failure('m')
    breaker.failure('m')
    expect(breaker.check('m')).toEqual({ allowed: true, probe: false })
    breaker.failure('m')
    expect(breaker.isOpen('m')).toBe(true)
    expect(breaker.check('m')).toEqual({ allowed: false, retryAfterMs: 30_000 })
    c.t += 29_999
    expect(breaker.check('m').allowed).toBe(false)
    c.t += 1
    expect(breaker.check('m')).toEqual({ allowed: true, probe: true })
    // Only one probe at a time.
    expect(breaker.check('m').allowed).toBe(false)
    breaker.success('m')
    expect(breaker.check('m')).toEqual({ allowed: true, probe: false })
    expect(breaker.openModels()).toEqual([])
  })

  it('a failed probe opens the circuit again; a released probe frees the slot', () => {
    const c = clock()
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, now: c.now })
    breaker.failure('m')
    c.t += 1000
    expect(breaker.check('m').allowed).toBe(true)
    breaker.failure('m')
    expect(breaker.check('m')).toEqual({ allowed: false, retryAfterMs: 1000 })
    c.t += 1000
    expect(breaker.check('m').allowed).toBe(true)
    breaker.release('m')
    expect(breaker.check('m')).toEqual({ allowed: true, probe: true })
  })

  it('keeps models apart and stays bounded', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, maxModels: 2, now: clock().now })
    breaker.failure('a')
    breaker.failure('b')
    breaker.failure('c')
    expect(breaker.openModels()).toEqual(['b', 'c'])
    expect(breaker.check('a').allowed).toBe(true)
  })

  it('shares openings through a store in the background and reads others at most every syncIntervalMs', async () => {
    const c = clock()
    const remote = new Map<string, number>()
    const calls: string[] = []
    const store: BreakerStore = {
      async open(model, until) {
        calls.push(`open ${model} ${until}`)
        remote.set(model, until)
      },
      async clear(model) {
        calls.push(`clear ${model}`)
        remote.delete(model)
      },
      async read(models) {
        calls.push(`read ${models.join(',')}`)
        return new Map(models.filter((m) => remote.has(m)).map((m) => [m, remote.get(m)!]))
      },
    }
    const a = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 5000, syncIntervalMs: 1000, store, now: c.now })
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 5000, syncIntervalMs: 1000, store, now: c.now })
    await b.sync(['m'])
    await a.failure('m')
    expect(calls).toEqual(['read m', `open m ${c.t + 5000}`])
    expect(b.check('m').allowed).toBe(true) // b has not read since
    expect(b.sync(['m'])).toBeUndefined() // too soon
    c.t += 1000
    await b.sync(['m'])
    expect(b.check('m')).toEqual({ allowed: false, retryAfterMs: 4000 })
    c.t += 4000
    expect(b.check('m')).toEqual({ allowed: true, probe: true })
    await b.success('m')
    expect(calls.at(-1)).toBe('clear m')
  })

  it('swallows store failures (best effort)', async () => {
    const failing: BreakerStore = {
      open: () => Promise.reject(new Error('redis down')),
      clear: () => Promise.reject(new Error('redis down')),
      read: () => Promise.reject(new Error('redis down')),
    }
    const breaker = new CircuitBreaker({ failureThreshold: 1, store: failing, now: clock().now })
    await expect(breaker.failure('m')).resolves.toBeUndefined()
    await expect(breaker.sync(['m'])).resolves.toBeUndefined()
    expect(breaker.isOpen('m')).toBe(true)
  })
})
