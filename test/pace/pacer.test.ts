import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.ts'
import type { LogLine } from '../../src/logger/logger.ts'
import { ceilingsFromConfig } from '../../src/pace/ceilings.ts'
import { LIMITS_SCRIPT } from '../../src/limits/script.ts'
import { MemoryPaceStore } from '../../src/pace/memory-store.ts'
import { Pacer } from '../../src/pace/pacer.ts'
import { RedisPaceStore } from '../../src/pace/redis-store.ts'
import type { PaceStore } from '../../src/pace/store.ts'
import { limitedApp, say } from '../limits/harness.ts'
import { countingRedis, uniquePrefix, upstashEnv, upstashRedis } from '../support/upstash.ts'

const sim = { UPSTREAM: 'simulator' }
const signal = new AbortController().signal
const turn = (pacer: Pacer, who: string, extra: { signal?: AbortSignal } = {}) =>
  pacer.turn({ group: 'g', who, cost: [1, 0, 0], deadlineAt: pacer.now() + 60_000, signal, ...extra })

describe('UPSTREAM_LIMITS', () => {
  it('ceilings per group: a key names every group it touches; the more specific one wins, field by field', () => {
    const config = parseConfig({
      ...sim,
      UPSTREAM_LIMITS: JSON.stringify({
        '*': { rpm: 50 },
        sonnet: { rpm: 1000, itpm: 80_000 },
        'sonnet-4.x': { otpm: 16_000 },
        'claude-sonnet-4-5': { rpm: 2000 },
        fast: { rpm: 4000, burst_seconds: 5 },
      }),
    })
    const ceilings = ceilingsFromConfig(config)
    expect(ceilings.get('opus-4.x')).toEqual({ configured: [50, 0, 0], burstMs: [1000, 60_000] })
    expect(ceilings.get('sonnet-5.5')).toEqual({ configured: [1000, 80_000, 0], burstMs: [1000, 60_000] })
    // A model's key sets its whole group (Anthropic pools Sonnet 4.5 and 4.6).
    expect(ceilings.get('sonnet-4.x')).toEqual({ configured: [2000, 80_000, 16_000], burstMs: [1000, 60_000] })
    expect(ceilings.get('haiku-5.5')).toEqual({ configured: [4000, 0, 0], burstMs: [5000, 5000] })
    expect(config.queueMaxWaitMs).toBe(20_000)
  })

  it.each([
    ['{"gpt-5":{"rpm":1}}', /UPSTREAM_LIMITS: unknown key "gpt-5"/],
    ['{"sonnet":{"rpm":-1}}', /UPSTREAM_LIMITS/],
    ['{"sonnet":{"rpm":10,"rps":1}}', /UPSTREAM_LIMITS/],
    ['{"sonnet":{"burst_seconds":120}}', /UPSTREAM_LIMITS/],
    ['[1,2]', /UPSTREAM_LIMITS/],
  ])('rejects %s, naming the variable', (value, message) => {
    expect(() => parseConfig({ ...sim, UPSTREAM_LIMITS: value })).toThrowError(ConfigError)
    expect(() => parseConfig({ ...sim, UPSTREAM_LIMITS: value })).toThrowError(message)
  })

  it('QUEUE_MAX_WAIT_MS: a whole number of ms', () => {
    expect(parseConfig({ ...sim, QUEUE_MAX_WAIT_MS: '0' }).queueMaxWaitMs).toBe(0)
    expect(() => parseConfig({ ...sim, QUEUE_MAX_WAIT_MS: 'soon' })).toThrowError(/QUEUE_MAX_WAIT_MS/)
  })
})

describe('Pacer', () => {
  it('a group with no ceiling and nothing learned costs no store call', async () => {
    const calls: string[] = []
    const store = new MemoryPaceStore()
    const spy: PaceStore = new Proxy(store, {
      get: (target, name) => {
        const value = Reflect.get(target, name)
        return typeof value === 'function' ? (...args: unknown[]) => (calls.push(String(name)), value.apply(target, args)) : value
      },
    })
    const pacer = new Pacer({ store: spy })
    expect(await turn(pacer, 'a')).toEqual({ ok: true, waitedMs: 0 })
    expect(pacer.ask({ group: 'g', who: 'a', cost: [1, 0, 0], deadlineAt: Date.now() + 1000 })).toBeUndefined()
    expect(calls).toEqual([])
    // Headers that say nothing new write nothing either, after the first time.
    const headers = new Headers({ 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '49' })
    await pacer.observe('g', headers, 200)
    expect(pacer.observe('g', headers, 200)).toBeUndefined()
    // A success's remaining (0 here) is no lesson (see Pacer.observe); a 429 is.
    const emptied = new Headers({ 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '0' })
    expect(pacer.observe('g', emptied, 200)).toBeUndefined()
    await pacer.observe('g', new Headers({ 'retry-after': '3' }), 429)
    expect(calls).toEqual(['learn', 'learn'])
    expect(pacer.paces('g')).toBe(true)
    expect((await store.peek(['g']))[0]!.learned).toEqual([50, 0, 0])
  })

  it('a failing store: the call goes unpaced, one warning, the store left alone for a while', async () => {
    const logs: LogLine[] = []
    let asked = 0
    const broken: PaceStore = {
      kind: 'upstash',
      reserve: async () => {
        asked++
        throw new Error('connection reset')
      },
      learn: async () => {},
      giveBack: async () => {},
      peek: async () => [],
    }
    const pacer = new Pacer({
      store: broken,
      ceilings: new Map([['g', { configured: [60, 0, 0], burstMs: [1000, 60_000] }]]),
      log: (l) => logs.push(l),
    })
    expect(await turn(pacer, 'a')).toMatchObject({ ok: true })
    expect(await turn(pacer, 'b')).toMatchObject({ ok: true })
    expect(asked).toBe(1)
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatchObject({
      level: 'warn',
      msg: expect.stringMatching(/pace: the upstash store did not reserve; calls go unpaced/),
    })
  })

  it('a request that leaves the line (client gone) lets the next one through; it rejects with the abort', async () => {
    // 60 rpm, no burst beyond one: a at once, b in 1 s (reserved), c behind b in the line.
    const pacer = new Pacer({ ceilings: new Map([['g', { configured: [60, 0, 0], burstMs: [1000, 60_000] }]]) })
    expect((await turn(pacer, 'a')).ok).toBe(true)
    const gone = new AbortController()
    const b = turn(pacer, 'a', { signal: gone.signal })
    const c = turn(pacer, 'a')
    gone.abort(new Error('client left'))
    await expect(b).rejects.toThrow('client left')
    const done = await c
    expect(done.ok).toBe(true)
  })

  it('settle gives back the output tokens a request reserved but did not generate', async () => {
    const store = new MemoryPaceStore()
    const pacer = new Pacer({ store, ceilings: new Map([['g', { configured: [0, 0, 6000], burstMs: [1000, 60_000] }]]) })
    const { RequestPace } = await import('../../src/pace/request-pace.ts')
    const pace = new RequestPace(() => 'a')
    const now = Date.now()
    expect(await pacer.turn({ group: 'g', who: 'a', cost: [1, 0, 4000], deadlineAt: now + 60_000, signal })).toMatchObject({ ok: true })
    pace.hold('g', 4000)
    const held = (await store.peek(['g']))[0]!.tat[2]
    expect(held).toBeGreaterThanOrEqual(now + 40_000 - 60_000) // 4,000 of 6,000 a minute: 40 s of refill
    await pacer.settle(pace, new Map([['g', 100]]))
    // 3,900 unused come back: 39 s of refill.
    expect(held - (await store.peek(['g']))[0]!.tat[2]).toBe(39_000)
    expect(pace.heldOutput.size).toBe(0)
    // A group the limits settle gives back itself is left alone.
    pace.hold('g', 1000)
    pace.givenBackByLimits.add('g')
    await pacer.settle(pace, new Map())
    expect(pace.heldOutput.get('g')).toBe(1000)
  })
})

describe('pace on Upstash through the limits script', () => {
  it('with every ceiling configured, a request still costs one round trip before the response and one settle after', async () => {
    await upstashRedis().scriptLoad(LIMITS_SCRIPT)
    const { redis, calls } = countingRedis()
    const prefix = uniquePrefix('pace-fold')
    const h = limitedApp({
      redis,
      prefix,
      env: {
        UPSTASH_REDIS_REST_URL: upstashEnv().url,
        UPSTASH_REDIS_REST_TOKEN: upstashEnv().token,
        RATE_LIMIT: '100/1m',
        DAILY_BUDGET_USD: '5',
        UPSTREAM_LIMITS: JSON.stringify({ fast: { rpm: 600, itpm: 600_000, otpm: 60_000 } }),
      },
    })
    for (let i = 0; i < 5; i++) {
      const before = calls.length
      const res = await h.chat(say('hi', { model: 'fast', max_tokens: 4000 }))
      expect(res.status).toBe(200)
      expect(calls.length - before).toBe(1) // admission + the first call's slot: one EVALSHA
      await h.settled()
      expect(calls.length - before).toBe(2) // + the settle, which also gave back the unused output
    }
    // The output bucket holds only what the replies generated (1 ms of refill per token at 60,000 a
    // minute), not 5 × max_tokens (20 s), and the caller's key is the pace key the admissions used.
    const [state] = await new RedisPaceStore(upstashRedis(), prefix).peek(['haiku-5.5'])
    expect(state!.tat[2]).toBeGreaterThan(0)
    expect(state!.tat[2] - Date.now()).toBeLessThan(1000)
  })
})
