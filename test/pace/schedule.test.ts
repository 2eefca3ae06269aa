import { describe, expect, it } from 'vitest'
import { emptyGroup, giveBack, learn, reserve, type PerMinute, type ReserveInput } from '../../src/pace/schedule.ts'

const T0 = 1_000_000

function input(now: number, extra: Partial<ReserveInput> = {}): ReserveInput {
  return { now, configured: [120, 0, 0], cost: [1, 10, 100], burstMs: [1000, 60_000], maxAt: now + 20_000, ahead: 0, ...extra }
}

/** Reserves for distinct callers (each gets a slot: no fairness cap in play). */
function slots(count: number, at: number, extra: Partial<ReserveInput> = {}) {
  const state = emptyGroup()
  return Array.from({ length: count }, () => reserve(state, 0, input(at, extra)).outcome)
}

describe('pace schedule (GCRA with future slots)', () => {
  it('120 rpm with a 1 s bucket of 2: one kept in reserve, so one at once, then one every 500 ms', () => {
    expect(slots(6, T0).map((o) => (o.kind === 'slot' ? o.at - T0 : o.kind))).toEqual([0, 500, 1000, 1500, 2000, 2500])
    // A larger bucket lets a burst through, less the one request kept in reserve: 600 rpm, 1 s → 9 at once.
    const fast = slots(11, T0, { configured: [600, 0, 0] }).map((o) => (o.kind === 'slot' ? o.at - T0 : o.kind))
    expect(fast).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200])
  })

  it('nothing known: free, nothing reserved', () => {
    const state = emptyGroup()
    expect(reserve(state, 0, input(T0, { configured: [0, 0, 0] })).outcome).toEqual({ kind: 'free' })
    expect(state).toEqual(emptyGroup())
  })

  it('a slot past maxAt is refused with the time it would have come, and takes nothing', () => {
    const state = emptyGroup()
    for (let i = 0; i < 6; i++) reserve(state, 0, input(T0, { maxAt: T0 + 2000 }))
    const before = structuredClone(state)
    expect(reserve(state, 0, input(T0, { maxAt: T0 + 2000 })).outcome).toEqual({ kind: 'refused', at: T0 + 2500 })
    expect(state).toEqual(before)
  })

  it('a caller holding a future slot waits for it before reserving another (fairness)', () => {
    const state = emptyGroup()
    let mine = 0
    const outcomes = []
    for (let i = 0; i < 4; i++) {
      const r = reserve(state, mine, input(T0))
      mine = r.callerSlot
      outcomes.push(r.outcome)
    }
    expect(outcomes).toEqual([
      { kind: 'slot', at: T0 },
      { kind: 'slot', at: T0 + 500 },
      { kind: 'later', at: T0 + 1000, check: T0 + 500 },
      { kind: 'later', at: T0 + 1000, check: T0 + 500 },
    ])
    // Another caller is not held back by the first one's line: it takes the next slot.
    expect(reserve(state, 0, input(T0)).outcome).toEqual({ kind: 'slot', at: T0 + 1000 })
    // At its slot, the first caller reserves again, after the other one.
    expect(reserve(state, mine, input(T0 + 500)).outcome).toEqual({ kind: 'slot', at: T0 + 1500 })
  })

  it('the estimate of a waiting caller counts the requests ahead of it in its line', () => {
    const state = emptyGroup()
    reserve(state, 0, input(T0))
    expect(reserve(state, T0 + 500, input(T0, { ahead: 3 })).outcome).toEqual({ kind: 'later', at: T0 + 2500, check: T0 + 500 })
  })

  it('input tokens: a minute-sized bucket lets a burst through, then paces by tokens', () => {
    // 6,000 ITPM: 100 tokens per second; 2,000-token prompts: 3 fit the bucket at once.
    const extra = { configured: [0, 6000, 0] as PerMinute, cost: [1, 2000, 0] as [number, number, number], maxAt: T0 + 60_000 }
    expect(slots(5, T0, extra).map((o) => (o.kind === 'slot' ? o.at - T0 : o.kind))).toEqual([0, 0, 0, 20_000, 40_000])
  })

  it('a call larger than its bucket waits until the bucket is full, then goes alone', () => {
    const extra = {
      configured: [0, 0, 600] as PerMinute,
      burstMs: [1000, 1000] as [number, number],
      cost: [1, 0, 50] as [number, number, number],
    }
    // 600 OTPM, a 1 s bucket of 10 tokens: max_tokens 50 never fits; each waits for a full bucket.
    expect(slots(3, T0, extra).map((o) => (o.kind === 'slot' ? o.at - T0 : o.kind))).toEqual([0, 5000, 10_000])
  })

  it('learn: limits from the headers pace the next calls; a 429 blocks until its retry-after', () => {
    const state = emptyGroup()
    learn(state, {
      now: T0,
      configured: [0, 0, 0],
      burstMs: [1000, 60_000],
      limits: [120, 0, 0],
      remaining: [0, -1, -1],
      retryAfterMs: 1000,
    })
    expect(state.learned).toEqual([120, 0, 0])
    const next = [0, 1, 2].map(() => reserve(state, 0, input(T0, { configured: [0, 0, 0] })).outcome)
    expect(next).toEqual([
      { kind: 'slot', at: T0 + 1000 },
      { kind: 'slot', at: T0 + 1500 },
      { kind: 'slot', at: T0 + 2000 },
    ])
  })

  it('learn: remaining below what our bucket holds pulls it down (another client of the same key)', () => {
    const state = emptyGroup()
    learn(state, {
      now: T0,
      configured: [600, 0, 0],
      burstMs: [1000, 60_000],
      limits: [600, 0, 0],
      remaining: [0, -1, -1],
      retryAfterMs: 0,
    })
    // 600 rpm, 1 s bucket of 10: empty at Anthropic now; it holds 1 in 100 ms, and we keep 1 in reserve: 200 ms.
    expect(reserve(state, 0, input(T0, { configured: [600, 0, 0] })).outcome).toEqual({ kind: 'slot', at: T0 + 200 })
  })

  it('giveBack returns unused output tokens, never making the bucket fuller than full', () => {
    const state = emptyGroup()
    const extra = { configured: [0, 0, 600] as PerMinute, cost: [1, 0, 600] as [number, number, number], maxAt: T0 + 120_000 }
    reserve(state, 0, input(T0, extra))
    reserve(state, 0, input(T0, extra))
    expect(state.tat[2]).toBe(T0 + 120_000)
    giveBack(state, { now: T0, configured: [0, 0, 600], unusedOutput: 500 })
    expect(state.tat[2]).toBe(T0 + 70_000)
    giveBack(state, { now: T0, configured: [0, 0, 600], unusedOutput: 10_000 })
    expect(state.tat[2]).toBe(T0)
  })
})
