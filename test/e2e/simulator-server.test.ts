// `npm run simulator` over real HTTP (node:http adapter): streaming without buffering, a dropped
// connection the SDK sees as an error, and a client abort that stops generation.
import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rateLimitsFromEnv, startSimulatorServer, type SimulatorServer } from '../../scripts/simulator.ts'

let server: SimulatorServer
let client: Anthropic

beforeAll(async () => {
  server = await startSimulatorServer({ port: 0 })
  client = new Anthropic({ apiKey: 'sk-ant-e2e', baseURL: server.url, maxRetries: 0 })
})
afterAll(() => server?.close())

const ask = (content: string) => ({ model: 'claude-haiku-5-5', max_tokens: 500, messages: [{ role: 'user' as const, content }] })

describe('simulator over HTTP', () => {
  it('streams events as they are generated', async () => {
    const arrivals: number[] = []
    const stream = client.messages.stream(ask('[sim tokens=5 delay=150]'))
    stream.on('text', () => arrivals.push(Date.now()))
    const msg = await stream.finalMessage()
    expect(msg.usage.output_tokens).toBe(5)
    // Not buffered: the first text arrived well before the last (4 delays of 150 ms apart).
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(400)
  })

  it('a dropped connection is an error for the SDK, not a silent end', async () => {
    const err = await client.messages
      .stream(ask('[sim tokens=20 drop after=5]'))
      .finalMessage()
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(server.sim.requests.at(-1)).toMatchObject({ eventsSent: 5, completed: false })
  })

  it('passes error statuses and retry headers through', async () => {
    const err = (await client.messages.create(ask('[sim status=429 retry_after=9]')).catch((e: unknown) => e)) as InstanceType<
      typeof Anthropic.APIError
    >
    expect(err.status).toBe(429)
    expect(err.headers?.get('retry-after')).toBe('9')
  })

  it('a client abort stops generation and is recorded', async () => {
    const controller = new AbortController()
    const stream = client.messages.stream(ask('[sim tokens=200 delay=50]'), { signal: controller.signal })
    let texts = 0
    stream.on('text', () => {
      if (++texts === 2) controller.abort()
    })
    await stream.finalMessage().catch(() => {})
    const record = server.sim.requests.at(-1)!
    await expect.poll(() => record.cancelled, { timeout: 2000 }).toBe(true)
    const sent = record.eventsSent
    await new Promise((r) => setTimeout(r, 300))
    expect(record.eventsSent).toBe(sent)
    expect(sent).toBeLessThan(10)
  })
})

describe('SIM_RATE_LIMITS', () => {
  it('limits the served simulator as configured: 2 per second with a burst of 2', async () => {
    const limited = await startSimulatorServer({ port: 0, rateLimits: rateLimitsFromEnv('{"rpm":120,"burstSeconds":1}')! })
    try {
      const sdk = new Anthropic({ apiKey: 'sk-ant-e2e', baseURL: limited.url, maxRetries: 0 })
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          sdk.messages.create(ask('hi')).then(
            () => 200,
            (e: { status?: number }) => e.status,
          ),
        ),
      )
      expect(results.sort()).toEqual([200, 200, 429])
    } finally {
      await limited.close()
    }
  })

  it('names the variable when the JSON is wrong', () => {
    expect(rateLimitsFromEnv(undefined)).toBeUndefined()
    expect(() => rateLimitsFromEnv('rpm=120')).toThrowError(/SIM_RATE_LIMITS/)
    expect(() => rateLimitsFromEnv('[1]')).toThrowError(/SIM_RATE_LIMITS/)
  })
})
