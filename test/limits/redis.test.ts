// Limits against a real redis-server through the local Upstash bridge (`npm test` starts both).
// Without the bridge these tests fail with instructions: they never skip.
import { describe, expect, it } from 'vitest'
import { LIMITS_SCRIPT, LIMITS_SCRIPT_SHA1 } from '../../src/limits/script.ts'
import { RedisStore } from '../../src/limits/redis-store.ts'
import { utcDay } from '../../src/limits/policy.ts'
import { calculator } from '../../src/tools/index.ts'
import { countingRedis, faultyUrl, uniquePrefix, upstashEnv, upstashRedis } from '../support/upstash.ts'
import { limitsBehaviour } from './behaviour.ts'
import { errorOf, isoDay, limitedApp, noonUtc, rateHeaders, say, type HarnessOptions } from './harness.ts'

const onBridge = (options: HarnessOptions = {}, url = upstashEnv().url) =>
  limitedApp({
    prefix: uniquePrefix('limits'),
    ...options,
    env: { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: upstashEnv().token, ...options.env },
  })

limitsBehaviour('upstash', (options) => onBridge(options))

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

describe('limits on Upstash: round trips', () => {
  it('the script Redis loads has the SHA-1 the hot path sends', async () => {
    expect(await upstashRedis().scriptLoad(LIMITS_SCRIPT)).toBe(LIMITS_SCRIPT_SHA1)
  })

  it('costs one round trip before the upstream call, one settle after, none for a blocked caller', async () => {
    await upstashRedis().scriptLoad(LIMITS_SCRIPT)
    const { redis, calls } = countingRedis()
    const h = onBridge({
      redis,
      env: { RATE_LIMIT: '20/1m', TOKEN_LIMIT: '100000/1m', DAILY_BUDGET_USD: '5', GLOBAL_DAILY_BUDGET_USD: '1000' },
    })
    for (let i = 1; i <= 20; i++) {
      const before = calls.length
      const res = await h.chat(say('hi', { model: 'fast' }))
      expect(res.status).toBe(200)
      // Admission: exactly one EVALSHA (request limit + token limit + both budget holds).
      expect(calls.length - before).toBe(1)
      await h.settled()
      expect(calls.length - before).toBe(2) // + the settle, off the response path
    }
    expect(calls.every((c) => c.command === 'evalsha')).toBe(true)
    const before = calls.length
    expect((await h.chat(say('hi'))).status).toBe(429) // refused by the script: one round trip
    expect(calls.length - before).toBe(1)
    expect((await h.chat(say('hi'))).status).toBe(429) // now in the ephemeral cache: none
    expect(calls.length - before).toBe(1)
    const checks = calls.filter((_, i) => i % 2 === 0).map((c) => c.ms)
    console.log(
      `[limits/upstash] round trips per request: 1 before the call + 1 settle after; admission median ${median(checks).toFixed(2)} ms over ${checks.length} requests (bridge on 127.0.0.1)`,
    )
  })

  it('a tool loop costs one more round trip per extra model call with a budget, none without', async () => {
    await upstashRedis().scriptLoad(LIMITS_SCRIPT)
    const loop = say(
      'Go [sim step=1 tool=calculator {"expression":"1+1"}] [sim step=2 tool=calculator {"expression":"2+2"}] [sim step=3 text="4"]',
      { model: 'fast' },
    )
    for (const [env, extra] of [
      [{ DAILY_BUDGET_USD: '5' }, 2],
      [{}, 0],
    ] as const) {
      const { redis, calls } = countingRedis()
      const h = onBridge({ redis, env: { RATE_LIMIT: '20/1m', ...env }, tools: [calculator] })
      const res = await h.chat(loop)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { steps: { type: string }[] }).steps.filter((s) => s.type === 'model')).toHaveLength(3)
      expect(calls.length).toBe(1 + extra) // admission + one hold before model calls 2 and 3
      await h.settled()
      expect(calls.length).toBe(2 + extra) // + the settle
      const usage = await h.usage()
      expect(usage.usage.held_usd).toBe(0)
    }
  })

  it('a hold is given back once: settling twice never takes Redis below zero', async () => {
    const prefix = uniquePrefix('limits-held')
    const store = new RedisStore(upstashRedis(), prefix)
    const now = noonUtc(1)
    const { day, endsAt } = utcDay(now)
    const base = { who: 'key:twice', now, day, dayEndsAt: endsAt }
    expect((await store.admit({ ...base, reserveNanos: 500, budget: { limitNanos: 1000 } })).allowed).toBe(true)
    const settle = { ...base, dayTokensDelta: 0, reservedNanos: 500, actualNanos: 100, globalHeld: false }
    await store.settle(settle)
    await store.settle({ ...settle, actualNanos: 0 })
    const after = await store.admit({ ...base, reserveNanos: 0, countDay: false })
    expect(after.day).toMatchObject({ spentNanos: 100, heldNanos: 0 })
    expect(await store.hold({ ...base, deltaNanos: 950, budget: { limitNanos: 1000 }, globalHeld: false })).toMatchObject({
      allowed: false,
      refusedBy: 'budget',
    })
    expect(await store.hold({ ...base, deltaNanos: 900, budget: { limitNanos: 1000 }, globalHeld: false })).toMatchObject({
      allowed: true,
      day: { heldNanos: 900 },
    })
  })

  it('falls back to EVAL once when Redis does not know the script (NOSCRIPT)', async () => {
    await upstashRedis().scriptFlush()
    const { redis, calls } = countingRedis()
    const h = onBridge({ redis })
    expect((await h.chat(say('hi'))).status).toBe(200)
    expect(calls.map((c) => c.command).slice(0, 2)).toEqual(['evalsha', 'eval'])
    await h.settled()
    const before = calls.length
    expect((await h.chat(say('hi'))).status).toBe(200)
    expect(calls.slice(before).map((c) => c.command)).toEqual(['evalsha'])
  })
})

describe("limits on Upstash: the Worker clock is not Redis's clock", () => {
  // The script sets relative TTLs (PEXPIRE) computed from the limiter's clock, so a Worker whose
  // clock is a year off from Redis's still counts, refuses and expires exactly as on time.
  it.each([
    ['a year ahead of', 365],
    ['a year behind', -365],
  ])('the limiter clock %s Redis: limits, budgets and expiry behave the same', async (_, days) => {
    const start = noonUtc(days)
    const prefix = uniquePrefix('limits-clock')
    const h = onBridge({ start, prefix, env: { RATE_LIMIT: '3/1m', DAILY_BUDGET_USD: '0.01' } })
    expect((await h.chat(say('Spend. [sim tokens=400]', { model: 'smart', max_tokens: 400 }))).status).toBe(200)
    await h.settled()

    const usage = await h.usage()
    expect(usage.day).toBe(isoDay(start))
    expect(usage.usage.requests).toBe(1)
    expect(usage.usage.cost_usd).toBeGreaterThan(0)
    expect(usage.limits.requests).toMatchObject({ used: 2, remaining: 1 }) // the read counts too

    const refused = await h.chat(say('Again', { model: 'smart', max_tokens: 400 }))
    expect(refused.status).toBe(402)
    expect(refused.headers.get('retry-after')).toBe(String(12 * 3600))
    // A refusal for the budget takes nothing from the request limit: one more request fits.
    expect((await h.chat(say('small', { model: 'fast', max_tokens: 50 }))).status).toBe(200)
    const limited = await h.chat(say('small', { model: 'fast', max_tokens: 50 }))
    expect(limited.status).toBe(429)
    // Both requests were taken at noon on the dot: room again once that window has slid past (60 s, +1 rounding up).
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(60)
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(61)

    // Redis keeps the day's counters for the rest of the Worker's day plus the hour of grace:
    // 12 h + 1 h from noon, whatever Redis thinks the date is.
    const ttl = await upstashRedis().pttl(`${prefix}:d:user:203.0.113.1:${isoDay(start)}`)
    expect(ttl).toBeGreaterThan(13 * 3600_000 - 60_000)
    expect(ttl).toBeLessThanOrEqual(13 * 3600_000)
  })
})

describe('limits on Upstash: shared between Worker instances', () => {
  it('two app instances on one Redis enforce one limit and one global budget', async () => {
    const prefix = uniquePrefix('limits-shared')
    const env = { RATE_LIMIT: '4/1m', GLOBAL_DAILY_BUDGET_USD: '0.02' }
    const a = onBridge({ prefix, env })
    const b = onBridge({ prefix, env })
    b.clock.now = a.clock.now
    for (const h of [a, b, a, b]) expect((await h.chat(say('hi', { model: 'fast' }))).status).toBe(200)
    expect((await a.chat(say('hi'))).status).toBe(429)
    expect((await b.chat(say('hi'))).status).toBe(429)

    // The global budget: one instance spends it, the other sees it spent.
    expect((await a.chat(say('Spend. [sim tokens=900]', { model: 'smart', max_tokens: 900 }), '198.51.100.7')).status).toBe(200)
    await a.settled()
    const refused = await b.chat(say('Mine', { model: 'smart', max_tokens: 900 }), '198.51.100.8')
    expect(refused.status).toBe(402)
    expect((await errorOf(refused)).message).toMatch(/global daily budget/)
  })
})

describe('limits on Upstash: Redis slow or down', () => {
  const closedPort = 'http://127.0.0.1:9'

  it('open (default): Redis stopped → counts in memory, logs it, and still limits', async () => {
    const h = onBridge({ env: { RATE_LIMIT: '2/1m' } }, closedPort)
    expect((await h.chat(say('hi'))).status).toBe(200)
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/counting in memory.*LIMITS_ON_REDIS_ERROR=open/) }),
    )
    expect((await h.chat(say('hi'))).status).toBe(200)
    const refused = await h.chat(say('hi'))
    expect(refused.status).toBe(429)
    expect(rateHeaders(refused)).toMatchObject({ limit: '2', remaining: '0' })
    h.clock.now += 120_000 // reading usage takes a request too
    expect((await h.usage()).backend).toBe('memory')
  })

  it('open: budgets still fail closed — a spent budget is never forgotten because Redis went away', async () => {
    const prefix = uniquePrefix('limits-budget-closed')
    const env = { RATE_LIMIT: 'off', DAILY_BUDGET_USD: '0.01' }
    const up = onBridge({ prefix, env })
    expect((await up.chat(say('Spend. [sim tokens=400]', { model: 'smart', max_tokens: 400 }))).status).toBe(200)
    await up.settled()
    expect((await up.chat(say('Again', { model: 'smart', max_tokens: 400 }))).status).toBe(402)

    // The same Worker, Redis now unreachable: the budgeted caller is refused, not re-admitted from memory.
    const down = onBridge({ prefix, env }, closedPort)
    for (let i = 0; i < 3; i++) {
      const res = await down.chat(say('Again', { model: 'fast', max_tokens: 50 }))
      expect(res.status).toBe(503)
      expect((await errorOf(res)).message).toMatch(
        /^Budgets cannot be checked right now \(the limits store did not answer\), and a request with a budget is never admitted uncounted\. Retry in 5 s\.$/,
      )
    }
    expect(down.simulator.requests).toHaveLength(0)
    // Usage cannot be shown as forgotten either.
    expect((await down.request('/v1/usage')).status).toBe(503)
    expect(down.logs.some((l) => /requests with a budget are refused meanwhile \(budgets fail closed\)/.test(String(l.msg)))).toBe(true)
    const health = (await (await down.request('/healthz')).json()) as { on_redis_error: unknown }
    expect(health.on_redis_error).toEqual({ limits: 'open', budgets: 'closed' })

    // Without a budget, the request limit still fails open (counted in memory).
    const unbudgeted = onBridge({ env: { RATE_LIMIT: '1/1m' } }, closedPort)
    expect((await unbudgeted.chat(say('hi'))).status).toBe(200)
    expect((await unbudgeted.chat(say('hi'))).status).toBe(429)
  })

  it('open: connection dropped or HTTP 500 from Upstash → memory fallback', async () => {
    for (const mode of ['reset', 'error'] as const) {
      const h = onBridge({}, faultyUrl({ mode }))
      expect((await h.chat(say('hi'))).status).toBe(200)
      expect(h.logs.some((l) => /counting in memory/.test(String(l.msg)))).toBe(true)
    }
  })

  it('open: Redis hanging → waits at most REDIS_TIMEOUT_MS once, then skips Redis during the cool-down', async () => {
    const h = onBridge({ env: { REDIS_TIMEOUT_MS: '1000' } }, faultyUrl({ mode: 'hang' }))
    let started = performance.now()
    expect((await h.chat(say('hi'))).status).toBe(200)
    const first = performance.now() - started
    expect(first).toBeGreaterThanOrEqual(990)
    expect(first).toBeLessThan(10_000)
    started = performance.now()
    expect((await h.chat(say('hi'))).status).toBe(200)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(h.logs.filter((l) => /failed/.test(String(l.msg)))).toHaveLength(1)
  })

  it('a slow Redis inside the timeout is still used', async () => {
    const h = onBridge({ env: { REDIS_TIMEOUT_MS: '2000' } }, faultyUrl({ latencyMs: 100 }))
    expect((await h.chat(say('hi'))).status).toBe(200)
    expect((await h.usage()).backend).toBe('upstash')
    expect(h.logs).toEqual([])
  })

  it('closed: Redis stopped or hanging → 503 overloaded_error with Retry-After, nothing sent upstream', async () => {
    for (const url of [closedPort, faultyUrl({ mode: 'hang' })]) {
      const h = onBridge({ env: { LIMITS_ON_REDIS_ERROR: 'closed', REDIS_TIMEOUT_MS: '300' } }, url)
      const res = await h.chat(say('hi'))
      expect(res.status).toBe(503)
      expect(res.headers.get('retry-after')).toBe('5')
      const error = await errorOf(res)
      expect(error.type).toBe('overloaded_error')
      expect(error.message).toMatch(/Rate limits cannot be checked right now.*LIMITS_ON_REDIS_ERROR=closed.*Retry in 5 s/)
      expect(h.simulator.requests).toHaveLength(0)
      expect((await h.request('/v1/usage')).status).toBe(503)
      expect(h.logs.some((l) => /refusing limited requests/.test(String(l.msg)))).toBe(true)
    }
  })
})
