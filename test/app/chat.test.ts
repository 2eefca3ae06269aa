import Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { instantRetries, makeApp, postJson } from '../support/app.ts'

const hello = { messages: [{ role: 'user', content: 'Hello there' }] }

async function errorOf(res: Response) {
  const body = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string }
  expect(res.headers.get('content-type')).toMatch(/application\/json/)
  expect(body.type).toBe('error')
  expect(body.request_id).toBe(res.headers.get('x-request-id'))
  expect(body.request_id).toMatch(/^[\w-]+$/)
  return body.error
}

describe('POST /v1/chat', () => {
  it('answers with the reply, usage and cost', async () => {
    const { app, config, simulator } = makeApp()
    const res = await postJson(app, '/v1/chat', hello)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, any>
    expect(body.role).toBe('assistant')
    expect(body.model).toBe('claude-sonnet-5-5')
    expect(body.text.length).toBeGreaterThan(0)
    expect(body.content[0]).toMatchObject({ type: 'text', text: body.text })
    expect(body.stop_reason).toBe('end_turn')
    expect(body.usage.input_tokens).toBeGreaterThan(0)
    expect(body.usage.output_tokens).toBeGreaterThan(0)
    const price = config.catalogue.get('balanced')!.pricing
    expect(body.cost_usd).toBeCloseTo((body.usage.input_tokens * price.input + body.usage.output_tokens * price.output) / 1e6, 9)
    expect(body.steps).toHaveLength(1)
    expect(body.request_id).toBe(res.headers.get('x-request-id'))
    const seen = simulator.requests.at(-1)!
    expect(seen.model).toBe('claude-sonnet-5-5')
    expect((seen.body as any).max_tokens).toBe(1024)
  })

  it('uses an alias and the caller max_tokens', async () => {
    const { app, simulator } = makeApp()
    const res = await postJson(app, '/v1/chat', { ...hello, model: 'fast', max_tokens: 50, system: 'Be brief.' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).model).toBe('claude-haiku-5-5')
    expect(simulator.requests.at(-1)!.body).toMatchObject({ model: 'claude-haiku-5-5', max_tokens: 50, system: 'Be brief.' })
  })

  it('sends temperature with the API version that accepts it, and drops it for models that refuse it', async () => {
    const { app, simulator } = makeApp()
    const ok = await postJson(app, '/v1/chat', { ...hello, model: 'fast', temperature: 0.3 })
    expect(ok.status).toBe(200)
    expect(simulator.requests.at(-1)!.headers['anthropic-version']).toBe('2023-06-01')
    expect((simulator.requests.at(-1)!.body as any).temperature).toBe(0.3)

    const dropped = await postJson(app, '/v1/chat', { ...hello, model: 'balanced', temperature: 0.3 })
    expect(dropped.status).toBe(200)
    expect(((await dropped.json()) as any).warnings).toEqual(['temperature is not supported by claude-sonnet-5-5 and was ignored'])
    expect((simulator.requests.at(-1)!.body as any).temperature).toBeUndefined()
    expect(simulator.requests.at(-1)!.headers['anthropic-version']).toBe('2026-10-21')
  })

  it('accepts the AI SDK useChat body (UI messages with parts)', async () => {
    const { app, simulator } = makeApp()
    const res = await postJson(app, '/v1/chat', {
      id: 'chat-1',
      trigger: 'submit-message',
      messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Hello from useChat' }] }],
    })
    expect(res.status).toBe(200)
    expect((simulator.requests.at(-1)!.body as any).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hello from useChat' }] },
    ])
  })

  it('echoes a safe incoming x-request-id and replaces an unsafe one', async () => {
    const { app } = makeApp()
    const mine = await postJson(app, '/v1/chat', hello, { 'x-request-id': 'my-trace-123' })
    expect(mine.headers.get('x-request-id')).toBe('my-trace-123')
    const unsafe = await postJson(app, '/v1/chat', hello, { 'x-request-id': 'bad id<script>' })
    expect(unsafe.headers.get('x-request-id')).not.toContain('<')
  })
})

describe('POST /v1/chat errors', () => {
  it.each([
    ['not JSON', '{"messages": [', /not valid JSON/],
    ['an empty body', '', /empty/],
    ['a JSON array', '[]', /expected object/],
    ['missing messages', {}, /messages/],
    ['empty messages', { messages: [] }, /messages: expected at least one message/],
    ['a wrong content type', { messages: [{ role: 'user', content: 42 }] }, /messages\.0\.content/],
    ['a wrong role', { messages: [{ role: 'robot', content: 'hi' }] }, /messages\.0\.role/],
    ['an unknown top-level field', { ...hello, stream_mode: 'fast' }, /unknown field\(s\) "stream_mode"/],
    ['a string max_tokens', { ...hello, max_tokens: '100' }, /max_tokens/],
    ['temperature above 1', { ...hello, temperature: 3 }, /temperature/],
    ['an assistant first message', { messages: [{ role: 'assistant', content: 'hi' }] }, /must start with a user message/],
    ['an unknown model', { ...hello, model: 'gpt-5' }, /unknown model "gpt-5".*fast/],
    [
      'max_tokens above the model limit',
      { ...hello, model: 'claude-haiku-4-5', max_tokens: 100_000 },
      /max_tokens: 100000 is above the 64000/,
    ],
  ])('400 for %s', async (_name, body, message) => {
    const { app } = makeApp()
    const res = await postJson(app, '/v1/chat', body)
    expect(res.status).toBe(400)
    const error = await errorOf(res)
    expect(error.type).toBe('invalid_request_error')
    expect(error.message).toMatch(message)
  })

  it('403 for a model outside ALLOWED_MODELS, listing the allowed ones', async () => {
    const { app } = makeApp({ ALLOWED_MODELS: 'fast,balanced' })
    const res = await postJson(app, '/v1/chat', { ...hello, model: 'smart' })
    expect(res.status).toBe(403)
    const error = await errorOf(res)
    expect(error.type).toBe('permission_error')
    expect(error.message).toContain('claude-haiku-5-5, claude-sonnet-5-5')
  })

  it('413 before parsing when the body is over MAX_BODY_BYTES, declared or streamed', async () => {
    const { app, simulator } = makeApp({ MAX_BODY_BYTES: '1000' })
    const big = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(5000) }] })
    const declared = await postJson(app, '/v1/chat', big)
    expect(declared.status).toBe(413)
    expect((await errorOf(declared)).type).toBe('request_too_large')

    const chunks = new TextEncoder().encode(big)
    const streamed = await app.request('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < chunks.length; i += 256) controller.enqueue(chunks.slice(i, i + 256))
          controller.close()
        },
      }),
      // @ts-expect-error workerd needs duplex for a streamed request body
      duplex: 'half',
    })
    expect(streamed.status).toBe(413)
    expect((await errorOf(streamed)).message).toContain('MAX_BODY_BYTES (1000 bytes)')
    expect(simulator.requests).toHaveLength(0)
  })

  it('maps upstream failures: 529 → 503 with Retry-After, 500 → 502, 401 → 502 misconfigured', async () => {
    // A fresh app per case: failures add up in the circuit breaker of one app.
    const fresh = () => makeApp({}, undefined, instantRetries).app
    const overloaded = await postJson(fresh(), '/v1/chat', { messages: [{ role: 'user', content: 'hi [sim status=529]' }] })
    expect(overloaded.status).toBe(503)
    expect(overloaded.headers.get('retry-after')).toMatch(/^\d+$/)
    expect((await errorOf(overloaded)).type).toBe('overloaded_error')

    const broken = await postJson(fresh(), '/v1/chat', { messages: [{ role: 'user', content: 'hi [sim status=500]' }] })
    expect(broken.status).toBe(502)
    expect((await errorOf(broken)).type).toBe('upstream_error')

    const badKey = await postJson(fresh(), '/v1/chat', { messages: [{ role: 'user', content: 'hi [sim status=401]' }] })
    expect(badKey.status).toBe(502)
    const error = await errorOf(badKey)
    expect(error.message).toMatch(/misconfigured/)
    expect(error.message).not.toMatch(/sk-ant/)
  })
})

describe('other routes', () => {
  it('GET /v1/models lists the allowed models with prices', async () => {
    const { app } = makeApp({ ALLOWED_MODELS: 'fast,balanced,smart' })
    const res = await app.request('/v1/models')
    const body = (await res.json()) as any
    expect(body.data.map((m: any) => m.alias)).toEqual(['fast', 'balanced', 'smart'])
    expect(body.data[1]).toMatchObject({ id: 'claude-sonnet-5-5', default: true, context_window: 1_000_000, max_output_tokens: 128_000 })
    expect(body.data[1].pricing_usd_per_million_tokens).toMatchObject({ input: 2, output: 10, cacheRead: 0.2 })
    expect(body.prices_checked_at).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('GET /healthz says which backends are in use and never leaks secrets', async () => {
    const { app } = makeApp({ UPSTASH_REDIS_REST_URL: 'https://x.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'secret-token-123' })
    const res = await app.request('/healthz')
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({ status: 'ok', upstream: 'simulator', limits: 'upstash' })
    expect(text).not.toContain('secret-token-123')
  })

  it('unknown routes are 404 JSON', async () => {
    const { app } = makeApp()
    const res = await app.request('/v2/nothing')
    expect(res.status).toBe(404)
    const error = await errorOf(res)
    expect(error.type).toBe('not_found_error')
    expect(error.message).toContain('GET /v2/nothing')
  })
})

describe('the official SDK against the simulator (fidelity)', () => {
  it('parses messages.create and messages.stream', async () => {
    const { simulator } = makeApp()
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://sim.local', fetch: simulator.fetch, maxRetries: 0 })
    const message = await client.messages.create({
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi [sim tokens=7]' }],
    })
    expect(message.usage.output_tokens).toBe(7)
    const stream = client.messages.stream({
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hi [sim tokens=7]' }],
    })
    const deltas: string[] = []
    stream.on('text', (t) => deltas.push(t))
    const final = await stream.finalMessage()
    expect(deltas.join('')).toBe((final.content[0] as Anthropic.TextBlock).text)
    expect(final.content).toEqual(message.content)
    expect(final.usage.output_tokens).toBe(7)
  })
})
