import Anthropic, { RateLimitError } from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'
import { ask } from './helpers.ts'

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0)

// The official SDK reads the simulator's rate limits as it reads Anthropic's.
describe('official SDK against the simulator rate limits', () => {
  function limited() {
    let t = T0
    const sim = createSimulator({ rateLimits: { rpm: 1, itpm: 50_000, otpm: 10_000 }, now: () => t })
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://sim.local', fetch: sim.fetch, maxRetries: 0 })
    return { sim, client, advance: (ms: number) => void (t += ms) }
  }

  it('the headers of a success are readable through withResponse()', async () => {
    const { client } = limited()
    const { response } = await client.messages.create(ask('Hello') as never).withResponse()
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('1')
    expect(response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0')
    expect(response.headers.get('anthropic-ratelimit-requests-reset')).toBe('2026-11-02T10:01:00Z')
    expect(response.headers.get('anthropic-ratelimit-output-tokens-remaining')).toBe('9000')
  })

  it('a refused request is a RateLimitError with retry-after and the anthropic-ratelimit-* headers', async () => {
    const { sim, client, advance } = limited()
    await client.messages.create(ask('Hello') as never)
    const err = await client.messages.create(ask('Again') as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RateLimitError)
    const limit = err as RateLimitError
    expect(limit.status).toBe(429)
    expect(limit.type).toBe('rate_limit_error')
    expect(limit.requestID).toBe(sim.requests[1]!.id)
    expect(limit.headers.get('retry-after')).toBe('60')
    expect(limit.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0')
    expect(limit.headers.get('anthropic-ratelimit-input-tokens-limit')).toBe('50000')
    expect(limit.headers.get('anthropic-ratelimit-tokens-reset')).toMatch(/^2026-11-02T10:0\d:\d\dZ$/)

    const streamErr = await client.messages
      .stream(ask('Stream') as never)
      .finalMessage()
      .catch((e: unknown) => e)
    expect(streamErr).toBeInstanceOf(RateLimitError)
    expect((streamErr as RateLimitError).headers.get('retry-after')).toBe('60')

    advance(60_000)
    const msg = await client.messages.stream(ask('Stream') as never).finalMessage()
    expect(msg.type).toBe('message')
  })
})
