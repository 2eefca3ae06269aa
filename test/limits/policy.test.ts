import { describe, expect, it } from 'vitest'
import { parseConfig, parseRate } from '../../src/config.ts'
import { policyFor, utcDay } from '../../src/limits/policy.ts'

const config = parseConfig({
  UPSTREAM: 'simulator',
  RATE_LIMIT: '60/1m',
  ANONYMOUS_RATE_LIMIT: '10/1m',
  TOKEN_LIMIT: '100000/1m',
  DAILY_BUDGET_USD: '5',
  GLOBAL_DAILY_BUDGET_USD: '100',
})

describe('policyFor', () => {
  it('uses the app defaults, and the anonymous rate for anonymous callers', () => {
    expect(policyFor(config, { kind: 'key', id: 'key:a' })).toMatchObject({
      requests: { limit: 60, windowMs: 60_000 },
      tokens: { limit: 100_000 },
      dailyBudgetUsd: 5,
      globalDailyBudgetUsd: 100,
    })
    expect(policyFor(config, { kind: 'anonymous', id: 'ip:1' }).requests).toMatchObject({ limit: 10 })
  })

  it("lets a credential's own limits override the defaults (but never the global budget)", () => {
    const policy = policyFor(config, {
      kind: 'key',
      id: 'key:big',
      limits: { rateLimit: parseRate('600/1m'), tokenLimit: null, dailyBudgetUsd: 50 },
    })
    expect(policy).toMatchObject({ requests: { limit: 600 }, tokens: null, dailyBudgetUsd: 50, globalDailyBudgetUsd: 100 })
  })
})

describe('utcDay', () => {
  it('rolls over at midnight UTC', () => {
    expect(utcDay(Date.UTC(2026, 10, 23, 23, 59, 59, 999))).toEqual({ day: '2026-11-23', endsAt: Date.UTC(2026, 10, 24) })
    expect(utcDay(Date.UTC(2026, 10, 24))).toEqual({ day: '2026-11-24', endsAt: Date.UTC(2026, 10, 25) })
  })
})
