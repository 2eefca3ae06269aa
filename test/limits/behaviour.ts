import { describe, expect, it } from 'vitest'
import { calculator } from '../../src/tools/index.ts'
import { costOf } from '../../src/models/cost.ts'
import { TEST_CLIENT_KEY, TEST_CLIENT_KEYS } from '../support/credentials.ts'
import { NOON, errorOf, isoDay, type limitedApp, rateHeaders, say, type HarnessOptions } from './harness.ts'

type Make = (options?: HarnessOptions) => ReturnType<typeof limitedApp>

/**
 * What limits do, through the HTTP surface, whatever store counts them. Run by memory.test.ts
 * (in-memory store) and redis.test.ts (Upstash bridge in front of a real redis-server).
 */
export function limitsBehaviour(backend: 'memory' | 'upstash', make: Make) {
  describe(`limits on ${backend}: request limit`, () => {
    it('admits exactly N requests per window, refuses the N+1st with 429, headers and a clear message', async () => {
      const h = make({ env: { RATE_LIMIT: '3/1m' } })
      for (const remaining of ['2', '1', '0']) {
        const ok = await h.chat(say('hi'))
        expect(ok.status).toBe(200)
        expect(rateHeaders(ok)).toEqual({ limit: '3', remaining, reset: '60', retryAfter: null })
      }
      h.clock.now += 30_000
      const refused = await h.chat(say('hi'))
      expect(refused.status).toBe(429)
      // 3 used at the start of this window; the 4th fits 1 ms into the next one: 30.001 s → 31 s.
      expect(rateHeaders(refused)).toEqual({ limit: '3', remaining: '0', reset: '31', retryAfter: '31' })
      const error = await errorOf(refused)
      expect(error.type).toBe('rate_limit_error')
      expect(error.message).toBe('Request limit reached (RATE_LIMIT: 3 per 1m). Retry in 31 s.')
      expect(h.simulator.requests).toHaveLength(3)
      h.clock.now += 120_000 // reading usage takes a request too: wait for room
      const usage = await h.usage()
      expect(usage.backend).toBe(backend)
      expect(usage.usage.requests).toBe(3)
    })

    it('slides: the previous window fades out, and Retry-After is exactly when the next request fits', async () => {
      const h = make({ env: { RATE_LIMIT: '3/1m' } })
      for (let i = 0; i < 3; i++) expect((await h.chat(say('hi'))).status).toBe(200)
      h.clock.now = NOON + 60_000 // next fixed window, but the previous one still weighs 100 %
      expect((await h.chat(say('hi'))).status).toBe(429)
      h.clock.now = NOON + 60_001 // weight 0.99998: floor(3 × 0.99998) = 2 → one fits
      const ok = await h.chat(say('hi'))
      expect(ok.status).toBe(200)
      expect(rateHeaders(ok).remaining).toBe('0')
      h.clock.now = NOON + 80_000 // weight 2/3: floor(2) + 1 = 3 → full
      const refused = await h.chat(say('hi'))
      expect(refused.status).toBe(429)
      const wait = Number(refused.headers.get('retry-after'))
      // floor(3w) + 1 + 1 ≤ 3 needs w < 2/3: 1 ms from now, so Retry-After rounds up to 1 s.
      expect(wait).toBe(1)
      h.clock.now += wait * 1000
      expect((await h.chat(say('hi'))).status).toBe(200)
    })

    it('counts identities apart', async () => {
      const h = make({ env: { RATE_LIMIT: '1/1m' } })
      expect((await h.chat(say('hi'), '198.51.100.1')).status).toBe(200)
      expect((await h.chat(say('hi'), '198.51.100.2')).status).toBe(200)
      expect((await h.chat(say('hi'), '198.51.100.1')).status).toBe(429)
    })

    it('does not count requests that fail validation, nor limit routes that are not limited', async () => {
      const h = make({ env: { RATE_LIMIT: '1/1m' } })
      expect((await h.chat({ messages: [] })).status).toBe(400)
      const models = await h.request('/v1/models')
      expect(models.status).toBe(200)
      expect(models.headers.get('ratelimit-limit')).toBeNull()
      expect((await h.chat(say('hi'))).status).toBe(200)
    })
  })

  describe(`limits on ${backend}: token limit`, () => {
    it('takes the estimated input before the call and corrects it with the real usage after', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', TOKEN_LIMIT: '5000/1m', MAX_STEPS: '3' }, tools: [calculator] })
      // A tool loop: the estimate covers the first call; the second call (with the tool result) adds more.
      const res = await h.chat(say('Compute. [sim step=1 tool=calculator {"expression":"2+2"}]', { model: 'fast' }))
      expect(res.status).toBe(200)
      expect(res.headers.get('ratelimit-limit')).toBe('5000')
      const estimated = 5000 - Number(res.headers.get('ratelimit-remaining'))
      const body = (await res.json()) as { usage: Record<string, number>; steps: { type: string }[] }
      expect(body.steps.filter((s) => s.type === 'model')).toHaveLength(2)
      const actual = body.usage.input_tokens! + body.usage.cache_creation_input_tokens! + body.usage.cache_read_input_tokens!
      expect(estimated).toBeGreaterThan(0)
      expect(actual).toBeGreaterThan(estimated)
      await h.settled()
      const usage = await h.usage()
      expect(usage.limits.tokens).toMatchObject({ limit: 5000, used: actual, remaining: 5000 - actual })
      expect(usage.usage.tokens).toBe(actual)
    })

    it('refuses with 429 when the window has no room for the estimate, and 413 when no window ever could', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', TOKEN_LIMIT: '300/1m' } })
      const long = 'All work and no play makes a dull day. '.repeat(15) // ~190 tokens
      expect((await h.chat(say(long, { model: 'fast' }))).status).toBe(200)
      await h.settled()
      const refused = await h.chat(say(long, { model: 'fast' }))
      expect(refused.status).toBe(429)
      expect(refused.headers.get('ratelimit-limit')).toBe('300')
      expect(Number(refused.headers.get('ratelimit-remaining'))).toBeLessThan(190)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      const error = await errorOf(refused)
      expect(error.type).toBe('rate_limit_error')
      expect(error.message).toMatch(
        /^Token limit reached \(TOKEN_LIMIT: 300 per 1m tokens; this request needs about \d+\)\. Retry in \d+ s\.$/,
      )
      expect((await h.chat(say('short', { model: 'fast' }))).status).toBe(200)

      const huge = await h.chat(say('word '.repeat(2000), { model: 'fast' }), '198.51.100.9')
      expect(huge.status).toBe(413)
      expect((await errorOf(huge)).message).toMatch(
        /exceed the token limit \(TOKEN_LIMIT: 300 per 1m tokens\), so it can never be admitted/,
      )
    })
  })

  describe(`limits on ${backend}: daily budgets`, () => {
    it('reserves the worst case, settles the real cost, and refuses with 402 until midnight UTC once spent', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', TOKEN_LIMIT: 'off', DAILY_BUDGET_USD: '0.01' } })
      const smart = h.config.catalogue.get('smart')!
      const first = await h.chat(say('Spend. [sim tokens=400]', { model: 'smart', max_tokens: 400 }))
      expect(first.status).toBe(200)
      const body = (await first.json()) as { cost_usd: number; usage: any }
      expect(body.cost_usd).toBeCloseTo(costOf(smart, body.usage), 9)
      await h.settled()
      const usage = await h.usage()
      expect(usage.usage.cost_usd).toBeCloseTo(body.cost_usd, 6)
      expect(usage.limits.daily_budget).toMatchObject({
        limit_usd: 0.01,
        held_usd: 0,
        spent_usd: usage.usage.cost_usd,
        reset_seconds: 12 * 3600,
      })

      const refused = await h.chat(say('Again', { model: 'smart', max_tokens: 400 }))
      expect(refused.status).toBe(402)
      expect(refused.headers.get('retry-after')).toBe(String(12 * 3600))
      const error = await errorOf(refused)
      expect(error.type).toBe('budget_exceeded_error')
      expect(error.message).toMatch(
        /^Your daily budget \(\$0\.0100\) has \$0\.00\d+ left \(\$0\.00\d+ spent, \$0\.0000 held by requests in flight\), less than this request's worst case \(\$0\.00\d+\)\. It resets at midnight UTC, in 12 h 0 min\. Or lower max_tokens\.$/,
      )
      // A cheaper call still fits what is left.
      expect((await h.chat(say('Small', { model: 'fast', max_tokens: 100 }))).status).toBe(200)
    })

    it('rolls over at midnight UTC', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', DAILY_BUDGET_USD: '0.01' } })
      h.clock.now = NOON + 12 * 3600_000 - 60_000 // 23:59 UTC
      expect((await h.chat(say('Spend. [sim tokens=400]', { model: 'smart', max_tokens: 400 }))).status).toBe(200)
      await h.settled()
      const refused = await h.chat(say('Again', { model: 'smart', max_tokens: 400 }))
      expect(refused.status).toBe(402)
      expect(refused.headers.get('retry-after')).toBe('60')
      h.clock.now = NOON + 12 * 3600_000 // midnight UTC
      const usage = await h.usage()
      expect(usage.day).toBe(isoDay(NOON + 86_400_000))
      expect(usage.usage).toEqual({ requests: 0, tokens: 0, cost_usd: 0, held_usd: 0 })
      expect((await h.chat(say('Again', { model: 'smart', max_tokens: 400 }))).status).toBe(200)
    })

    it('shares the global budget between identities', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', GLOBAL_DAILY_BUDGET_USD: '0.01' } })
      expect((await h.chat(say('Spend. [sim tokens=400]', { model: 'smart', max_tokens: 400 }), '198.51.100.1')).status).toBe(200)
      await h.settled()
      const refused = await h.chat(say('Mine', { model: 'smart', max_tokens: 400 }), '198.51.100.2')
      expect(refused.status).toBe(402)
      expect((await errorOf(refused)).message).toMatch(/^The service's global daily budget \(\$0\.0100\)/)
      const usage = await h.usage('198.51.100.2')
      expect(usage.usage.cost_usd).toBe(0)
      expect(usage.limits.global_daily_budget!.spent_usd).toBeGreaterThan(0.008)
    })

    it('holds under 50 concurrent requests: never spends more than the budget', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', TOKEN_LIMIT: 'off', DAILY_BUDGET_USD: '0.005' } })
      const results = await Promise.all(
        Array.from({ length: 50 }, () => h.chat(say('Spend it all. [sim tokens=1000]', { model: 'fast', max_tokens: 1000 }))),
      )
      const statuses = results.map((r) => r.status)
      expect(statuses.filter((s) => s !== 200 && s !== 402)).toEqual([])
      const admitted = results.filter((r) => r.status === 200)
      const costs = await Promise.all(admitted.map(async (r) => ((await r.json()) as { cost_usd: number }).cost_usd))
      for (const refused of results.filter((r) => r.status === 402)) expect((await errorOf(refused)).type).toBe('budget_exceeded_error')
      await h.settled()
      const usage = await h.usage()
      const spent = costs.reduce((a, b) => a + b, 0)
      // Each call's worst case is ~$0.0005: at least 9 fit, and what was spent never passes $0.005.
      expect(admitted.length).toBeGreaterThanOrEqual(9)
      expect(usage.usage.cost_usd).toBeCloseTo(spent, 6)
      expect(usage.usage.cost_usd).toBeLessThanOrEqual(0.005)
      expect(usage.usage.held_usd).toBe(0)
      expect(usage.usage.requests).toBe(admitted.length)
      console.log(
        `[limits/${backend}] 50 concurrent requests, budget $0.005, worst case/call ~$0.0005: ${admitted.length} admitted, ${50 - admitted.length} refused (402), spent $${usage.usage.cost_usd}`,
      )
    })

    it('reserves one model call at a time in a tool loop, and ends it with budget_exhausted when the next does not fit', async () => {
      // One call: up to 1000 output tokens of Opus 5.5 at $20/M = $0.02 (+ input); each step writes 900.
      // Step 3 would need what steps 1 and 2 spent (~$0.037) plus its own $0.02: more than $0.05.
      const h = make({ env: { RATE_LIMIT: 'off', DAILY_BUDGET_USD: '0.05', MAX_STEPS: '3' }, tools: [calculator] })
      const res = await h.chat(
        say(
          'What is 2+2? [sim step=1 tokens=900 tool=calculator {"expression":"2+2"}] [sim step=2 tokens=900 tool=calculator {"expression":"2+2"}] [sim step=3 text="4"]',
          { model: 'smart', max_tokens: 1000 },
        ),
      )
      expect(res.status).toBe(200)
      const body = (await res.json()) as { stop_reason: string; cost_usd: number; steps: { type: string }[] }
      expect(body.stop_reason).toBe('budget_exhausted')
      expect(body.steps.filter((s) => s.type === 'model')).toHaveLength(2)
      await h.settled()
      const usage = await h.usage()
      expect(usage.usage.cost_usd).toBeCloseTo(body.cost_usd, 6)
      expect(usage.usage.cost_usd).toBeLessThanOrEqual(0.05)
      expect(usage.usage.held_usd).toBe(0)
    })

    it('refuses a request whose worst case is above the whole budget, saying what to change', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', DAILY_BUDGET_USD: '0.01' } })
      const res = await h.chat(say('hi', { model: 'smart', max_tokens: 10_000 }))
      expect(res.status).toBe(402)
      // 10 000 output tokens at $20 per million = $0.20, plus a few input tokens.
      expect((await errorOf(res)).message).toMatch(
        /^Your daily budget \(\$0\.0100\) is smaller than this request's worst case \(\$0\.200\d\); lower max_tokens or use a cheaper model\.$/,
      )
      expect(h.simulator.requests).toHaveLength(0)
    })

    it('releases the whole hold when the call fails before any usage', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', DAILY_BUDGET_USD: '1' } })
      const res = await h.chat(say('fail [sim status=400 message="bad"]', { model: 'smart', max_tokens: 1000 }))
      expect(res.status).toBeGreaterThanOrEqual(400)
      await h.settled()
      const after = await h.usage()
      expect(after.usage).toMatchObject({ requests: 1, cost_usd: 0, held_usd: 0 })
      expect(after.limits.daily_budget!.remaining_usd).toBe(1)
    })
  })

  describe(`limits on ${backend}: streams and the Messages API`, () => {
    it('puts the RateLimit headers on a streamed reply, and refuses before the stream starts', async () => {
      const h = make({ env: { RATE_LIMIT: '1/1m' } })
      const body = JSON.stringify(say('hi [sim tokens=3]'))
      const ok = await h.request('/v1/chat/stream', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      expect(ok.status).toBe(200)
      expect(ok.headers.get('content-type')).toMatch(/text\/event-stream/)
      expect(rateHeaders(ok)).toEqual({ limit: '1', remaining: '0', reset: '60', retryAfter: null })
      await ok.text()
      const refused = await h.request('/v1/chat/stream', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      expect(refused.status).toBe(429)
      expect((await errorOf(refused)).type).toBe('rate_limit_error')
    })

    it('settles an aborted stream with its partial usage and releases the rest of the hold', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', DAILY_BUDGET_USD: '1' } })
      const res = await h.request('/v1/chat/stream', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(say('Long story [sim tokens=400 delay=20]', { model: 'smart', max_tokens: 1000 })),
      })
      expect(res.status).toBe(200)
      const reader = res.body!.getReader()
      let seen = ''
      while (!seen.includes('text-delta')) seen += new TextDecoder().decode((await reader.read()).value)
      await reader.cancel()
      await h.settled()
      const usage = await h.usage()
      const smart = h.config.catalogue.get('smart')!.pricing
      expect(usage.usage.held_usd).toBe(0)
      expect(usage.usage.requests).toBe(1)
      // Some output was billed, far less than the 400 tokens asked for, let alone max_tokens.
      expect(usage.usage.cost_usd).toBeGreaterThan(0)
      expect(usage.usage.cost_usd).toBeLessThan((100 * smart.input + 400 * smart.output) / 1e6)
      expect(usage.limits.daily_budget!.remaining_usd).toBeCloseTo(1 - usage.usage.cost_usd, 9)
    })

    it('limits POST /v1/messages the same way', async () => {
      // The Anthropic-compatible gateway is for servers (anonymous callers lack the `messages` scope): a client key.
      const h = make({ env: { RATE_LIMIT: '1/1m', CLIENT_KEYS: TEST_CLIENT_KEYS } })
      const body = JSON.stringify({ model: 'fast', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      const headers = { 'content-type': 'application/json', 'x-api-key': TEST_CLIENT_KEY }
      const ok = await h.request('/v1/messages', { method: 'POST', headers, body })
      expect(ok.status).toBe(200)
      expect(rateHeaders(ok)).toMatchObject({ limit: '1', remaining: '0' })
      const refused = await h.request('/v1/messages', { method: 'POST', headers, body })
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toBe('61')
    })
  })

  describe(`GET /v1/usage on ${backend}`, () => {
    it('shows usage today and what remains of each limit and budget', async () => {
      const h = make({ env: { RATE_LIMIT: '10/1m', TOKEN_LIMIT: '10000/1h', DAILY_BUDGET_USD: '2', GLOBAL_DAILY_BUDGET_USD: '100' } })
      expect((await h.chat(say('hi [sim tokens=10]', { model: 'fast' }))).status).toBe(200)
      await h.settled()
      h.clock.now += 1000
      const res = await h.request('/v1/usage')
      expect(res.status).toBe(200)
      // The read itself takes a request from the limit (docs/limits-and-budgets.md#the-guarantee): 2 of 10 used.
      expect(rateHeaders(res)).toEqual({ limit: '10', remaining: '8', reset: '59', retryAfter: null })
      const body = (await res.json()) as any
      expect(body).toMatchObject({
        identity: 'user:203.0.113.1',
        day: isoDay(NOON),
        resets_at: `${isoDay(NOON + 86_400_000)}T00:00:00.000Z`,
        backend,
        usage: { requests: 1, held_usd: 0 },
        limits: {
          requests: { limit: 10, window: '1m', used: 2, remaining: 8, reset_seconds: 59 },
          tokens: { limit: 10000, window: '1h' },
          daily_budget: { limit_usd: 2, held_usd: 0 },
          global_daily_budget: { limit_usd: 100, held_usd: 0 },
        },
      })
      expect(body.usage.tokens).toBeGreaterThan(10)
      expect(body.usage.cost_usd).toBeGreaterThan(0)
      expect(body.limits.tokens.remaining).toBe(10000 - body.usage.tokens)
      expect(body.limits.daily_budget.remaining_usd).toBeCloseTo(2 - body.usage.cost_usd, 6)
      expect(body.limits.global_daily_budget.spent_usd).toBe(body.usage.cost_usd)
      // Reading usage counts against the request limit, but not as a model request of the day.
      const again = await h.usage()
      expect((again.limits.requests as any).used).toBe(3)
      expect(again.usage.requests).toBe(1)
    })

    it('/v1/usage and count_tokens count against the request limit (each costs a Redis script or an upstream call)', async () => {
      const h = make({ env: { CLIENT_KEYS: TEST_CLIENT_KEYS, RATE_LIMIT: '3/1m' } })
      const key = { authorization: `Bearer ${TEST_CLIENT_KEY}` }
      const count = () =>
        h.request('/v1/messages/count_tokens', {
          method: 'POST',
          headers: { ...key, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }),
        })
      const first = await count()
      expect(first.status).toBe(200)
      expect(rateHeaders(first)).toMatchObject({ limit: '3', remaining: '2' })
      expect((await h.request('/v1/usage', { headers: key })).status).toBe(200)
      expect((await count()).status).toBe(200)
      const refused = await count()
      expect(refused.status).toBe(429)
      expect((await errorOf(refused)).type).toBe('rate_limit_error')
      expect((await h.request('/v1/usage', { headers: key })).status).toBe(429)
      expect(h.simulator.requests.filter((r) => r.path.endsWith('count_tokens'))).toHaveLength(2)
    })

    it('shows null for limits that are off', async () => {
      const h = make({ env: { RATE_LIMIT: 'off', TOKEN_LIMIT: 'off' } })
      const body = await h.usage()
      expect(body.limits).toEqual({ requests: null, tokens: null, daily_budget: null, global_daily_budget: null })
    })
  })
}
