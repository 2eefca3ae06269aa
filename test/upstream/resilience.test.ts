import { describe, expect, it } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'
import { clockedUpstream, instantRetries, makeApp, postJson } from '../support/app.ts'

/** A gateway whose clock only moves when it sleeps between retries; jitter fixed at 0.5. */
function harness(env: Record<string, string> = {}) {
  const { clock, upstream: options } = clockedUpstream()
  const { app, simulator, config } = makeApp(env, createSimulator(), options)
  const chat = async (content: string, extra: Record<string, unknown> = {}) => {
    const res = await postJson(app, '/v1/chat', { messages: [{ role: 'user', content }], ...extra })
    return { res, body: (await res.json()) as any }
  }
  const modelsSeen = () => simulator.requests.map((r) => r.model)
  return { app, simulator, config, clock, chat, modelsSeen }
}

const CHAIN = { FALLBACK_MODELS: 'smart,balanced,fast' }
const OPUS = 'claude-opus-5-5'
const SONNET = 'claude-sonnet-5-5'
const HAIKU = 'claude-haiku-5-5'

describe('retries', () => {
  it('429 with retry-after, then success: waits exactly retry-after, once', async () => {
    const h = harness()
    const { res, body } = await h.chat('hi [sim status=429 retry_after=2 times=1]')
    expect(res.status).toBe(200)
    expect(h.clock.sleeps).toEqual([2000])
    expect(h.simulator.requests.map((r) => r.status)).toEqual([429, 200])
    expect(body.models_tried).toEqual([SONNET])
  })

  it('retry-after-ms wins over retry-after', async () => {
    const h = harness()
    const { res } = await h.chat('hi [sim status=529 retry_after=9 retry_after_ms=1500 times=1]')
    expect(res.status).toBe(200)
    expect(h.clock.sleeps).toEqual([1500])
  })

  it('without retry-after: exponential backoff with full jitter, two retries, then 502 naming the model', async () => {
    const h = harness()
    const { res, body } = await h.chat('hi [sim status=500]')
    expect(res.status).toBe(502)
    expect(h.clock.sleeps).toEqual([250, 500]) // 0.5 × 500, 0.5 × 1000
    expect(h.simulator.requests).toHaveLength(3)
    expect(body.error.type).toBe('upstream_error')
    expect(body.error.message).toContain(SONNET)
  })

  it('x-should-retry: false is obeyed', async () => {
    const h = harness()
    const { res } = await h.chat('hi [sim status=500 should_retry=false]')
    expect(res.status).toBe(502)
    expect(h.simulator.requests).toHaveLength(1)
  })

  it('never waits past UPSTREAM_DEADLINE_MS: a retry-after beyond it ends with 503 and that Retry-After', async () => {
    const h = harness({ UPSTREAM_DEADLINE_MS: '1000' })
    const { res, body } = await h.chat('hi [sim status=429 retry_after=1]')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(h.clock.sleeps).toEqual([])
    expect(body.error.type).toBe('overloaded_error')
  })

  it('the deadline spans retries: backoff stops when the next wait would cross it', async () => {
    const h = harness({ UPSTREAM_DEADLINE_MS: '700' })
    const { res } = await h.chat('hi [sim status=529]')
    expect(res.status).toBe(503)
    expect(h.clock.sleeps).toEqual([250]) // 250 + 500 would reach 750 > 700
    expect(h.simulator.requests).toHaveLength(2)
  })

  it('an upstream that stalls past the deadline is cut: 504, and the upstream request is cancelled', async () => {
    const { app, simulator } = makeApp({ UPSTREAM_DEADLINE_MS: '150' }, createSimulator(), instantRetries)
    const started = Date.now()
    const res = await postJson(app, '/v1/chat', { messages: [{ role: 'user', content: 'hi [sim stall=10000]' }] })
    expect(res.status).toBe(504)
    expect(Date.now() - started).toBeLessThan(5000)
    const body = (await res.json()) as any
    expect(body.error.type).toBe('timeout_error')
    expect(body.error.message).toContain(SONNET)
    await new Promise((r) => setTimeout(r, 10))
    expect(simulator.requests[0]!.cancelled).toBe(true)
  })
})

describe('fallback chain', () => {
  it('529 on the first model only: retries it, then the next model answers and says so', async () => {
    const h = harness(CHAIN)
    const { res, body } = await h.chat(`hi [sim status=529 model=${OPUS}]`, { model: 'smart' })
    expect(res.status).toBe(200)
    expect(body.model).toBe(SONNET)
    expect(body.models_tried).toEqual([OPUS, SONNET])
    expect(h.modelsSeen()).toEqual([OPUS, OPUS, OPUS, SONNET])
    expect(h.clock.sleeps).toEqual([250, 500])
  })

  it('a retry-after longer than we wait moves on to the next model at once', async () => {
    const h = harness(CHAIN)
    const { res, body } = await h.chat(`hi [sim status=429 retry_after=60 model=${OPUS}]`, { model: 'smart' })
    expect(res.status).toBe(200)
    expect(body.models_tried).toEqual([OPUS, SONNET])
    expect(h.clock.sleeps).toEqual([])
  })

  it('all models overloaded: 503 with Retry-After, every model tried', async () => {
    const h = harness(CHAIN)
    const { res, body } = await h.chat('hi [sim status=529 retry_after=3]', { model: 'smart' })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('3')
    expect(body.error.type).toBe('overloaded_error')
    expect(body.error.message).toContain(`${OPUS}, ${SONNET}, ${HAIKU}`)
    expect(h.modelsSeen()).toEqual([OPUS, OPUS, OPUS, SONNET, SONNET, SONNET, HAIKU, HAIKU, HAIKU])
  })

  it('only models after the requested one in FALLBACK_MODELS, and only models the caller may use', async () => {
    const fast = harness(CHAIN)
    expect((await fast.chat('hi [sim status=529]', { model: 'fast' })).res.status).toBe(503)
    expect(new Set(fast.modelsSeen())).toEqual(new Set([HAIKU]))

    const narrowed = harness({ ...CHAIN, ALLOWED_MODELS: 'smart,fast', DEFAULT_MODEL: 'smart' })
    const { body } = await narrowed.chat(`hi [sim status=529 model=${OPUS}]`, { model: 'smart' })
    expect(body.models_tried).toEqual([OPUS, HAIKU])
  })

  it('never falls back on a 400 (the request is wrong)', async () => {
    const h = harness(CHAIN)
    const { res, body } = await h.chat(`hi [sim status=400 message="bad thing" model=${OPUS}]`, { model: 'smart' })
    expect(res.status).toBe(400)
    expect(body.error.message).toContain('bad thing')
    expect(h.modelsSeen()).toEqual([OPUS])
  })

  it.each([401, 402, 403])('never falls back on %i (our key is wrong): 502 server misconfigured', async (status) => {
    const h = harness(CHAIN)
    const { res, body } = await h.chat(`hi [sim status=${status}]`, { model: 'smart' })
    expect(res.status).toBe(502)
    expect(body.error.message).toMatch(/misconfigured/)
    expect(h.modelsSeen()).toEqual([OPUS])
  })

  it('adapts the request to the fallback model: sampling parameters it rejects are dropped', async () => {
    const h = harness({ FALLBACK_MODELS: 'fast,balanced' })
    const { res, body } = await h.chat(`hi [sim status=529 model=${HAIKU}]`, { model: 'fast', temperature: 0.5 })
    expect(res.status).toBe(200)
    expect(body.models_tried).toEqual([HAIKU, SONNET])
    const [first, last] = [h.simulator.requests[0]!, h.simulator.requests.at(-1)!]
    expect((first.body as any).temperature).toBe(0.5)
    expect((last.body as any).temperature).toBeUndefined()
    expect(last.headers['anthropic-version']).toBe('2026-10-21')
  })
})

describe('circuit breaker', () => {
  it('opens after repeated failures, answers 503 without calling the model, and recovers after the cool-down', async () => {
    const h = harness()
    expect((await h.chat('a [sim status=529]')).res.status).toBe(503) // 3 failures
    expect((await h.chat('b [sim status=529]')).res.status).toBe(503) // 2 more: open, no third attempt
    expect(h.simulator.requests).toHaveLength(5)

    const skipped = await h.chat('c')
    expect(skipped.res.status).toBe(503)
    expect(skipped.body.error.message).toMatch(/circuit open/)
    expect(Number(skipped.res.headers.get('retry-after'))).toBeGreaterThan(25)
    expect(h.simulator.requests).toHaveLength(5)

    h.clock.t += 30_000
    expect((await h.chat('probe')).res.status).toBe(200)
    expect((await h.chat('after')).res.status).toBe(200)
    expect(h.simulator.requests).toHaveLength(7)
  })

  it('an open circuit sends requests straight to the next model of the chain', async () => {
    const h = harness(CHAIN)
    await h.chat(`a [sim status=529 model=${OPUS}]`, { model: 'smart' })
    await h.chat(`b [sim status=529 model=${OPUS}]`, { model: 'smart' })
    const before = h.simulator.requests.length
    const { res, body } = await h.chat('c', { model: 'smart' })
    expect(res.status).toBe(200)
    expect(body.models_tried).toEqual([SONNET])
    expect(h.modelsSeen().slice(before)).toEqual([SONNET])
  })
})
