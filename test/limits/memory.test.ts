import { describe, expect, it } from 'vitest'
import { BoundedMap } from '../../src/limits/bounded-map.ts'
import { MemoryStore } from '../../src/limits/memory-store.ts'
import { limitsBehaviour } from './behaviour.ts'
import { utcDay } from '../../src/limits/policy.ts'
import { NOON, limitedApp, say } from './harness.ts'

limitsBehaviour('memory', (options) => limitedApp(options))

describe('limits in memory', () => {
  it('warns in the log and in /healthz that limits are per isolate', async () => {
    const h = limitedApp()
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/Upstash is not configured.*in memory, per isolate/) }),
    )
    const health = (await (await h.request('/healthz')).json()) as { limits: string; warnings: string[] }
    expect(health.limits).toBe('memory')
    expect(health.warnings.join(' ')).toMatch(/in memory, per isolate/)
  })

  it('keeps memory bounded: past maxEntries the least recently used counters go', async () => {
    const store = new MemoryStore({ maxEntries: 50 })
    const { day, endsAt } = utcDay(NOON)
    for (let i = 0; i < 1000; i++) {
      await store.admit({
        who: `ip:${i}`,
        now: NOON,
        day,
        dayEndsAt: endsAt,
        reserveNanos: 0,
        requests: { limit: 5, windowMs: 60_000, take: 1 },
      })
    }
    expect(store.size).toBe(50)
  })

  it('never evicts a day counter that holds money, and never lets a hold go below zero', async () => {
    const store = new MemoryStore({ maxEntries: 50 })
    const { day, endsAt } = utcDay(NOON)
    const budget = { limitNanos: 1_000_000 }
    const admit = (who: string, reserveNanos: number) => store.admit({ who, now: NOON, day, dayEndsAt: endsAt, reserveNanos, budget })
    // The spender holds almost all of its budget; then 1000 other identities pass by.
    expect((await admit('key:spender', 900_000)).allowed).toBe(true)
    for (let i = 0; i < 1000; i++) await admit(`ip:${i}`, 0)
    expect((await admit('key:spender', 200_000)).refusedBy).toBe('budget')
    // Settled twice (a retried settle): the hold is given back once, never below zero.
    const settle = {
      who: 'key:spender',
      now: NOON,
      day,
      dayEndsAt: endsAt,
      dayTokensDelta: 0,
      reservedNanos: 900_000,
      actualNanos: 0,
      globalHeld: false,
    }
    await store.settle(settle)
    await store.settle({ ...settle, actualNanos: 0 })
    const after = await admit('key:spender', 0)
    expect(after.day.heldNanos).toBe(0)
    expect((await admit('key:spender', 1_000_000)).allowed).toBe(true)
    expect(store.size).toBeLessThanOrEqual(51)
  })

  it('hold moves a reservation up only when it fits, and down always', async () => {
    const store = new MemoryStore()
    const { day, endsAt } = utcDay(NOON)
    const base = { who: 'key:loop', now: NOON, day, dayEndsAt: endsAt, budget: { limitNanos: 100 }, globalHeld: false }
    await store.admit({ ...base, reserveNanos: 40 })
    expect(await store.hold({ ...base, deltaNanos: 50 })).toMatchObject({ allowed: true, day: { heldNanos: 90 } })
    expect(await store.hold({ ...base, deltaNanos: 20 })).toMatchObject({ allowed: false, refusedBy: 'budget', day: { heldNanos: 90 } })
    expect(await store.hold({ ...base, deltaNanos: -500 })).toMatchObject({ allowed: true, day: { heldNanos: 0 } })
  })

  it('BoundedMap evicts the least recently used entry and forgets expired ones', () => {
    const map = new BoundedMap<number>(2)
    map.set('a', 1, 100)
    map.set('b', 2, 100)
    expect(map.get('a', 0)).toBe(1) // a is now the most recent
    map.set('c', 3, 100)
    expect(map.get('b', 0)).toBeUndefined()
    expect(map.get('a', 0)).toBe(1)
    expect(map.get('c', 100)).toBeUndefined()
  })

  it('refuses a blocked identity from the ephemeral cache', async () => {
    const h = limitedApp({ env: { RATE_LIMIT: '1/1m' } })
    expect((await h.chat(say('hi'))).status).toBe(200)
    expect((await h.chat(say('hi'))).status).toBe(429)
    const again = await h.chat(say('hi'))
    expect(again.status).toBe(429)
    // 1 used at the start of the window: the next fits 1 ms into the next window (60.001 s → 61 s).
    expect(again.headers.get('retry-after')).toBe('61')
    expect(h.simulator.requests).toHaveLength(1)
  })
})
