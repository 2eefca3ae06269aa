import { describe, expect, it } from 'vitest'
import { countTokens, createSimulator, type SimulatorRateLimits } from '../../src/simulator/index.ts'
import { ask, post, readSse, setup } from './helpers.ts'

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0)

/** A simulator with rate limits on an injected clock (the real date is never read). */
function limited(rateLimits: SimulatorRateLimits, extra: Parameters<typeof setup>[0] = {}) {
  let t = T0
  const { sim, client } = setup({ rateLimits, now: () => t, ...extra })
  return { sim, client, advance: (ms: number) => void (t += ms) }
}

const rl = (res: Response, name: string) => res.headers.get(`anthropic-ratelimit-${name}`)
const rateHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith('anthropic-ratelimit-'))

describe('rate limits: requests per minute', () => {
  it('a burst up to the limit, then 429 rate_limit_error with retry-after and the headers', async () => {
    const { sim } = limited({ rpm: 2 })
    const first = await post(sim, ask('a'))
    expect(first.status).toBe(200)
    expect(rl(first, 'requests-limit')).toBe('2')
    expect(rl(first, 'requests-remaining')).toBe('1')
    expect(rl(first, 'requests-reset')).toBe('2026-11-02T10:00:30Z')
    expect((await post(sim, ask('b'))).status).toBe(200)

    const refused = await post(sim, ask('c'))
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('30')
    expect(rl(refused, 'requests-remaining')).toBe('0')
    expect(rl(refused, 'requests-reset')).toBe('2026-11-02T10:01:00Z')
    const body = (await refused.json()) as any
    expect(body).toEqual({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: expect.stringContaining('rate limit of 2 requests per minute (model: claude-haiku-5-5)'),
      },
      request_id: refused.headers.get('request-id'),
    })
    expect(sim.requests.map((r) => r.status)).toEqual([200, 200, 429])
  })

  it('refills continuously: one request back after 30 s at 2 per minute, not a reset on the minute', async () => {
    const { sim, advance } = limited({ rpm: 2 })
    await post(sim, ask('a'))
    await post(sim, ask('b'))
    advance(29_000)
    const early = await post(sim, ask('c'))
    expect(early.status).toBe(429)
    expect(early.headers.get('retry-after')).toBe('1')
    advance(1_000)
    const onTime = await post(sim, ask('c'))
    expect(onTime.status).toBe(200)
    expect(rl(onTime, 'requests-remaining')).toBe('0')
    expect((await post(sim, ask('d'))).status).toBe(429)
    advance(10 * 60_000)
    const rested = await post(sim, ask('e'))
    expect(rl(rested, 'requests-remaining')).toBe('1')
  })

  it('a refused request takes nothing: retrying as told succeeds', async () => {
    const { sim, advance } = limited({ rpm: 1 })
    await post(sim, ask('a'))
    for (let i = 0; i < 5; i++) expect((await post(sim, ask('b'))).status).toBe(429)
    advance(60_000)
    expect((await post(sim, ask('b'))).status).toBe(200)
  })

  it('burstSeconds: 120 per minute enforced as 2 per second; a concurrent burst of 30 gives 2 × 200', async () => {
    const { sim, advance } = limited({ rpm: 120, burstSeconds: 1 })
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => post(sim, ask(`q${i}`))))
    expect(burst.filter((r) => r.status === 200)).toHaveLength(2)
    const refused = burst.filter((r) => r.status === 429)
    expect(refused).toHaveLength(28)
    expect(refused.map((r) => r.headers.get('retry-after'))).toEqual(Array(28).fill('1'))
    expect(rl(refused[0]!, 'requests-limit')).toBe('120')
    expect(rl(refused[0]!, 'requests-remaining')).toBe('0')
    expect(rl(refused[0]!, 'requests-reset')).toBe('2026-11-02T10:00:01Z')
    advance(499)
    expect((await post(sim, ask('late'))).status).toBe(429)
    advance(1)
    expect((await post(sim, ask('late'))).status).toBe(200)
    advance(60_000)
    const rested = await post(sim, ask('rested'))
    expect(rl(rested, 'requests-remaining')).toBe('1')
  })

  it('streaming responses carry the headers; a refused stream is a JSON 429 before any byte', async () => {
    const { sim } = limited({ rpm: 1, itpm: 100_000, otpm: 20_000 })
    const res = await post(sim, ask('Hello [sim tokens=3]', { stream: true }))
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(rl(res, 'requests-remaining')).toBe('0')
    expect(rl(res, 'input-tokens-limit')).toBe('100000')
    expect(rl(res, 'output-tokens-limit')).toBe('20000')
    expect(rl(res, 'tokens-limit')).not.toBeNull()
    expect((await readSse(res)).frames.at(-1)?.event).toBe('message_stop')
    const refused = await post(sim, ask('again', { stream: true }))
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/)
    expect(rl(refused, 'requests-remaining')).toBe('0')
    expect(sim.requests[1]).toMatchObject({ status: 429, stream: true, eventsSent: 0 })
  })
})

describe('rate limits: model groups', () => {
  it('each group has its own buckets; Opus 4.x models share one, as Anthropic pools them', async () => {
    const { sim } = limited({ rpm: 1 })
    expect((await post(sim, ask('a'))).status).toBe(200)
    expect((await post(sim, ask('a'))).status).toBe(429)
    expect((await post(sim, ask('a', { model: 'claude-sonnet-5' }))).status).toBe(200)
    expect((await post(sim, ask('a', { model: 'claude-opus-4-8' }))).status).toBe(200)
    expect((await post(sim, ask('a', { model: 'claude-opus-4-5' }))).status).toBe(429)
    expect((await post(sim, ask('a', { model: 'claude-opus-5' }))).status).toBe(200)
    expect((await post(sim, ask('a', { model: 'claude-haiku-4-5' }))).status).toBe(200)
    expect((await post(sim, ask('a', { model: 'claude-haiku-4-5-20251001' }))).status).toBe(429)
  })

  it('groups: a custom pool by its models, a default group by name, the rest unlimited', async () => {
    const { sim } = limited({
      groups: {
        haiku: { rpm: 1, models: ['claude-haiku-5-5', 'claude-haiku-4-5-20251001'] },
        'sonnet-4.x': { rpm: 3 },
      },
    })
    expect((await post(sim, ask('a'))).status).toBe(200)
    expect((await post(sim, ask('a', { model: 'claude-haiku-4-5' }))).status).toBe(429)
    const sonnet = await post(sim, ask('a', { model: 'claude-sonnet-4-5' }))
    expect(rl(sonnet, 'requests-limit')).toBe('3')
    expect(rl(sonnet, 'requests-remaining')).toBe('2')
    expect(rl(await post(sim, ask('a', { model: 'claude-sonnet-4-6' })), 'requests-remaining')).toBe('1')
    const free = await post(sim, ask('a', { model: 'claude-opus-5-5' }))
    expect(free.status).toBe(200)
    expect(rateHeaders(free)).toEqual([])
  })

  it('top-level limits apply to the default groups not named in groups; burstSeconds to every group without its own', async () => {
    const { sim } = limited({
      rpm: 5,
      burstSeconds: 24,
      groups: { mine: { rpm: 1, models: ['claude-opus-4-8'] }, 'sonnet-5': { rpm: 60, burstSeconds: 3 } },
    })
    expect(rl(await post(sim, ask('a', { model: 'claude-opus-4-8' })), 'requests-limit')).toBe('1')
    const sibling = await post(sim, ask('a', { model: 'claude-opus-4-7' }))
    expect(rl(sibling, 'requests-limit')).toBe('5')
    expect(rl(sibling, 'requests-remaining')).toBe('1')
    expect(rl(await post(sim, ask('a', { model: 'claude-sonnet-5' })), 'requests-remaining')).toBe('2')
  })

  it('rejects a configuration it cannot read', () => {
    expect(() => createSimulator({ rateLimits: { groups: { opus: { rpm: 1 } } } })).toThrow(/groups\.opus\.models: required/)
    expect(() => createSimulator({ rateLimits: { rpm: 0 } })).toThrow(/rateLimits\.rpm/)
    expect(() => createSimulator({ rateLimits: { itpm: Number.NaN } })).toThrow(/rateLimits\.itpm/)
    expect(() => createSimulator({ rateLimits: { rpm: 1, burstSeconds: 120 } })).toThrow(/rateLimits\.burstSeconds/)
    expect(() =>
      createSimulator({
        rateLimits: { groups: { a: { rpm: 1, models: ['claude-haiku-4-5'] }, b: { rpm: 1, models: ['claude-haiku-4-5-20251001'] } } },
      }),
    ).toThrow(/already in rateLimits\.groups\.a/)
  })
})

describe('rate limits: input tokens', () => {
  it('counts the request input tokens (the simulator tokenizer) and refuses what does not fit', async () => {
    const body = ask('Summarise the quarterly report for the board, please.')
    const n = countTokens(body, 'claude-haiku-5-5')
    const { sim, advance } = limited({ itpm: 2 * n + 1 })
    const first = await post(sim, body)
    expect(rl(first, 'input-tokens-remaining')).toBe(String(n + 1))
    expect(rl(first, 'tokens-remaining')).toBe(String(n + 1))
    expect(rl(first, 'requests-limit')).toBeNull()
    expect((await post(sim, body)).status).toBe(200)
    const refused = await post(sim, body)
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as any).error.message).toContain(`of ${(2 * n + 1).toLocaleString('en-US')} input tokens per minute`)
    // n - 1 tokens short at (2n + 1) per minute.
    expect(refused.headers.get('retry-after')).toBe(String(Math.ceil(((n - 1) * 60) / (2 * n + 1))))
    advance(Number(refused.headers.get('retry-after')) * 1000)
    expect((await post(sim, body)).status).toBe(200)
  })

  it('a prompt larger than the limit is refused even with a full bucket', async () => {
    const body = ask('word '.repeat(400))
    const { sim } = limited({ itpm: 100 })
    const refused = await post(sim, body)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(rl(refused, 'input-tokens-remaining')).toBe('100')
    expect(((await refused.json()) as any).error.message).toMatch(/input tokens exceed your organization's rate limit of 100 input tokens/)
  })

  it('cache-aware: cache reads do not count, cache writes do', async () => {
    const system = [{ type: 'text', text: 'Policy clause. '.repeat(300), cache_control: { type: 'ephemeral' } }]
    const body = ask('q', { system })
    const total = countTokens(body, 'claude-haiku-5-5')
    const { sim } = limited({ itpm: 1_000_000 }, { cacheMinTokens: 10 })
    const first = await post(sim, body)
    const usage1 = ((await first.json()) as any).usage
    expect(usage1.cache_creation_input_tokens).toBeGreaterThan(0)
    expect(rl(first, 'input-tokens-remaining')).toBe(String(1_000_000 - total))
    const second = await post(sim, body)
    const usage2 = ((await second.json()) as any).usage
    expect(usage2.cache_read_input_tokens).toBeGreaterThan(0)
    expect(rl(second, 'input-tokens-remaining')).toBe(String(1_000_000 - total - usage2.input_tokens))
  })

  it('a refused request writes nothing to the prompt cache and uses no `times` directive', async () => {
    const system = [{ type: 'text', text: 'Policy clause. '.repeat(300), cache_control: { type: 'ephemeral' } }]
    const { sim, advance } = limited({ rpm: 1 }, { cacheMinTokens: 10 })
    await post(sim, ask('warm-up'))
    expect((await post(sim, ask('q [sim status=529 times=1]', { system }))).status).toBe(429)
    advance(60_000)
    const res = await post(sim, ask('q [sim status=529 times=1]', { system }))
    expect(res.status).toBe(529)
    advance(60_000)
    const usage = ((await (await post(sim, ask('q [sim status=529 times=1]', { system }))).json()) as any).usage
    expect(usage.cache_read_input_tokens).toBe(0)
    expect(usage.cache_creation_input_tokens).toBeGreaterThan(0)
  })
})

describe('rate limits: output tokens', () => {
  it('reserve (default): max_tokens is taken at the start, the unused part given back when the reply ends', async () => {
    const { sim } = limited({ otpm: 1000 })
    const first = await post(sim, ask('a [sim tokens=7]', { max_tokens: 600 }))
    expect(rl(first, 'output-tokens-remaining')).toBe('400')
    expect(((await first.json()) as any).usage.output_tokens).toBe(7)
    const second = await post(sim, ask('b [sim tokens=5]', { max_tokens: 600 }))
    expect(rl(second, 'output-tokens-remaining')).toBe(String(1000 - 7 - 600))
    const refused = await post(sim, ask('c', { max_tokens: 990 }))
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as any).error.message).toContain('1,000 output tokens per minute')
    // 990 - (1000 - 12) = 2 tokens short at 1000 per minute: 120 ms, one second.
    expect(refused.headers.get('retry-after')).toBe('1')
  })

  it('reserve: a stream holds max_tokens until it ends, then only its output counts', async () => {
    const { sim } = limited({ otpm: 1000 })
    const open = await post(sim, ask('a [sim tokens=4]', { max_tokens: 700, stream: true }))
    expect(rl(open, 'output-tokens-remaining')).toBe('300')
    expect((await post(sim, ask('b', { max_tokens: 400 }))).status).toBe(429)
    await readSse(open)
    const after = await post(sim, ask('b [sim tokens=2]', { max_tokens: 400 }))
    expect(after.status).toBe(200)
    expect(rl(after, 'output-tokens-remaining')).toBe(String(1000 - 4 - 400))
  })

  it('reserve: a cancelled stream counts its reply; a scripted failure gives the reservation back', async () => {
    const { sim } = limited({ otpm: 1000 })
    const controller = new AbortController()
    const res = await sim.fetch('http://sim.local/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(ask('a [sim tokens=9]', { max_tokens: 500, stream: true })),
      signal: controller.signal,
    })
    controller.abort()
    await readSse(res)
    const failed = await post(sim, ask('b [sim status=529]', { max_tokens: 500 }))
    expect(failed.status).toBe(529)
    expect(rl(failed, 'output-tokens-remaining')).toBe(String(1000 - 9 - 500))
    const next = await post(sim, ask('c [sim tokens=1]', { max_tokens: 1 }))
    expect(rl(next, 'output-tokens-remaining')).toBe(String(1000 - 9 - 1))
  })

  it('generated: max_tokens does not count, the output is taken when the reply ends', async () => {
    const { sim, advance } = limited({ otpm: 10, outputTokens: 'generated' })
    const first = await post(sim, ask('a [sim tokens=30]', { max_tokens: 5000 }))
    expect(first.status).toBe(200)
    expect(rl(first, 'output-tokens-remaining')).toBe('10')
    const refused = await post(sim, ask('b'))
    expect(refused.status).toBe(429)
    expect(rl(refused, 'output-tokens-remaining')).toBe('0')
    // At -20, one token is back after 21 × 6 s.
    expect(refused.headers.get('retry-after')).toBe('126')
    advance(126_000)
    expect((await post(sim, ask('b'))).status).toBe(200)
  })

  it('tokens-* shows the more restrictive of input and output', async () => {
    const { sim } = limited({ itpm: 1_000_000, otpm: 1000 })
    const res = await post(sim, ask('a', { max_tokens: 800 }))
    expect(rl(res, 'tokens-limit')).toBe('1000')
    expect(rl(res, 'tokens-remaining')).toBe('200')
    expect(rl(res, 'tokens-reset')).toBe(rl(res, 'output-tokens-reset'))
  })

  it('roundRemaining rounds the token remainders to the nearest thousand, as Anthropic does', async () => {
    const { sim } = limited({ rpm: 50, itpm: 50_000, otpm: 8000, roundRemaining: true })
    const res = await post(sim, ask('a', { max_tokens: 1400 }))
    expect(rl(res, 'output-tokens-remaining')).toBe('7000')
    expect(rl(res, 'input-tokens-remaining')).toBe('50000')
    expect(rl(res, 'requests-remaining')).toBe('49')
  })
})

describe('rate limits: what is left alone', () => {
  it('by default: no limits, no headers (unchanged behaviour)', async () => {
    const { sim } = setup()
    for (let i = 0; i < 20; i++) {
      const res = await post(sim, ask(`a${i}`))
      expect(res.status).toBe(200)
      expect(rateHeaders(res)).toEqual([])
    }
  })

  it('invalid requests are refused before the limiter: no headers, nothing taken', async () => {
    const { sim } = limited({ rpm: 1 })
    const bad = await post(sim, { model: 'claude-haiku-5-5', messages: [{ role: 'user', content: 'x' }] })
    expect(bad.status).toBe(400)
    expect(rateHeaders(bad)).toEqual([])
    expect((await post(sim, ask('a'))).status).toBe(200)
  })

  it('scripted errors after admission carry the headers; their own retry-after wins', async () => {
    const { sim } = limited({ rpm: 3 })
    const res = await post(sim, ask('x [sim status=429 retry_after=7]'))
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(rl(res, 'requests-remaining')).toBe('2')
  })

  it('reset() fills every bucket again', async () => {
    const { sim } = limited({ rpm: 1 })
    await post(sim, ask('a'))
    expect((await post(sim, ask('a'))).status).toBe(429)
    sim.reset()
    expect((await post(sim, ask('a'))).status).toBe(200)
  })
})
