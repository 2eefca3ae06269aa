import { describe, expect, it } from 'vitest'
import { RedisStore } from '../../src/limits/redis-store.ts'
import { MemoryPaceStore } from '../../src/pace/memory-store.ts'
import { RedisPaceStore } from '../../src/pace/redis-store.ts'
import type { PerMinute, ReserveInput } from '../../src/pace/schedule.ts'
import { PACE_SCRIPT, PACE_SCRIPT_SHA1 } from '../../src/pace/script.ts'
import type { PaceStore } from '../../src/pace/store.ts'
import { uniquePrefix, upstashRedis } from '../support/upstash.ts'

const T0 = 1_700_000_000_000

/** A small deterministic generator, so a failure can be replayed from its seed. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

type Op =
  | { op: 'reserve'; group: string; who: string; input: ReserveInput }
  | { op: 'learn'; group: string; input: Parameters<PaceStore['learn']>[1] }
  | { op: 'give'; group: string; input: Parameters<PaceStore['giveBack']>[1] }

/** A random but plausible sequence: bursts, waits, learned limits, 429s and give-backs, over two groups. */
function operations(seed: number, count: number): Op[] {
  const rand = random(seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!
  const ops: Op[] = []
  let now = T0
  for (let i = 0; i < count; i++) {
    now += pick([0, 0, 0, 1, 37, 250, 500, 1200])
    const group = pick(['g1', 'g2'])
    const configured = pick<PerMinute>([
      [120, 0, 0],
      [0, 0, 0],
      [60, 40_000, 8_000],
      [0, 9_000, 0],
    ])
    const burstMs = pick<[number, number]>([
      [1000, 60_000],
      [500, 2_000],
    ])
    const kind = rand()
    if (kind < 0.75) {
      const cost: [number, number, number] = [1, Math.floor(rand() * 3000), pick([0, 256, 1024, 8192])]
      ops.push({
        op: 'reserve',
        group,
        who: pick(['a', 'b', 'c']),
        input: { now, configured, cost, burstMs, maxAt: now + pick([2000, 20_000, 120_000]), ahead: pick([0, 0, 2]) },
      })
    } else if (kind < 0.9) {
      const limits = pick<PerMinute>([
        [120, 0, 0],
        [0, 0, 0],
        [50, 30_000, 6_000],
      ])
      const remaining: [number, number, number] = [pick([-1, 0, 1, 30]), pick([-1, 0, 500]), pick([-1, 0, 4000])]
      ops.push({ op: 'learn', group, input: { now, configured, burstMs, limits, remaining, retryAfterMs: pick([0, 0, 1000, 7000]) } })
    } else {
      ops.push({ op: 'give', group, input: { now, configured, unusedOutput: pick([0, 100, 5000]) } })
    }
  }
  return ops
}

async function run(store: PaceStore, ops: readonly Op[]) {
  const outcomes: unknown[] = []
  for (const o of ops) {
    if (o.op === 'reserve') outcomes.push(await store.reserve(o.group, o.who, o.input))
    else if (o.op === 'learn') await store.learn(o.group, o.input)
    else await store.giveBack(o.group, o.input)
  }
  return { outcomes, states: await store.peek(['g1', 'g2', 'never']) }
}

describe('pace stores', () => {
  it('the script matches its precomputed SHA-1', async () => {
    const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(PACE_SCRIPT))
    expect([...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')).toBe(PACE_SCRIPT_SHA1)
  })

  it.each([1, 2, 3, 42])('Redis and memory agree on every outcome and state (seed %i, 120 operations)', async (seed) => {
    const ops = operations(seed, 120)
    const memory = await run(new MemoryPaceStore(), ops)
    const redis = await run(new RedisPaceStore(upstashRedis(), uniquePrefix('pace')), ops)
    expect(redis).toEqual(memory)
    // The sequences exercise every outcome, or the comparison proves little.
    const kinds = new Set(memory.outcomes.map((o) => (o as { kind: string }).kind))
    expect([...kinds].sort()).toEqual(['free', 'later', 'refused', 'slot'])
  })

  it('the limits script reserves the same slot in the admission round trip (folded)', async () => {
    const redis = upstashRedis()
    const prefix = uniquePrefix('fold')
    const limits = new RedisStore(redis, prefix)
    const pace = new RedisPaceStore(redis, prefix)
    expect(limits.foldsPace(pace)).toBe(true)
    expect(limits.foldsPace(new RedisPaceStore(redis, `${prefix}other`))).toBe(false)
    expect(limits.foldsPace(new MemoryPaceStore())).toBe(false)
    const input: ReserveInput = { now: T0, configured: [120, 0, 0], cost: [1, 0, 0], burstMs: [1000, 60_000], maxAt: T0 + 1000, ahead: 0 }
    const admit = (who: string) =>
      limits.admit({ who, now: T0, day: '2023-11-14', dayEndsAt: T0 + 3_600_000, reserveNanos: 0, pace: { group: 'g', who, input } })
    const outcomes = []
    for (const who of ['a', 'b', 'c', 'd', 'e']) outcomes.push(await admit(who))
    expect(outcomes.map((o) => [o.allowed, o.refusedBy, o.pace])).toEqual([
      [true, undefined, { kind: 'slot', at: T0 }],
      [true, undefined, { kind: 'slot', at: T0 + 500 }],
      [true, undefined, { kind: 'slot', at: T0 + 1000 }],
      [false, 'pace', { kind: 'refused', at: T0 + 1500 }],
      [false, 'pace', { kind: 'refused', at: T0 + 1500 }],
    ])
    // A refusal for pace takes nothing: its day counter did not count it.
    expect(outcomes[3]!.day.requests).toBe(0)
    // The pace store sees what the admissions reserved.
    expect(await pace.reserve('g', 'f', { ...input, maxAt: T0 + 5000 })).toEqual({ kind: 'slot', at: T0 + 1500 })
  })
})
