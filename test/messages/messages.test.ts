import Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'
import { makeApp, postJson } from '../support/app.ts'
import { TEST_CLIENT_KEY } from '../support/credentials.ts'
import { frameReader, gatedSleep, settle } from '../stream/support.ts'

type App = ReturnType<typeof makeApp>['app']

/** The official SDK pointed at the gateway with a claude-edge key, unchanged except for baseURL and its fetch. */
function sdk(app: App) {
  return new Anthropic({
    apiKey: TEST_CLIENT_KEY,
    baseURL: 'http://gateway.local',
    maxRetries: 0,
    fetch: (async (url: RequestInfo | URL, init?: RequestInit) => app.request(String(url), init)) as typeof fetch,
  })
}

const user = (content: string) => [{ role: 'user' as const, content }]

describe('POST /v1/messages (JSON)', () => {
  it('passes the request through and answers what the API answered, for the official SDK', async () => {
    const { app, simulator } = makeApp()
    const message = await sdk(app).messages.create({ model: 'claude-haiku-5-5', max_tokens: 200, messages: user('Hi [sim tokens=7]') })
    const direct = await new Anthropic({ apiKey: 'sk-ant-x', baseURL: 'http://sim.local', fetch: createSimulator().fetch }).messages.create(
      {
        model: 'claude-haiku-5-5',
        max_tokens: 200,
        messages: user('Hi [sim tokens=7]'),
      },
    )
    expect(message.content).toEqual(direct.content)
    expect(message.usage).toEqual(direct.usage)
    const seen = simulator.requests.at(-1)!
    expect(seen.body).toEqual({ model: 'claude-haiku-5-5', max_tokens: 200, messages: user('Hi [sim tokens=7]') })
    // The caller's API version is forwarded (SDK 1.x sends 2026-10-21).
    expect(seen.headers['anthropic-version']).toBe('2026-10-21')
  })

  it('resolves aliases, forwards an older anthropic-version and anthropic-beta as sent', async () => {
    const { app, simulator } = makeApp()
    const res = await postJson(
      app,
      '/v1/messages',
      { model: 'fast', max_tokens: 50, temperature: 0.5, messages: user('Hi [sim tokens=2]') },
      {
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'token-efficient-tools-2025-02-19',
      },
    )
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).model).toBe('claude-haiku-5-5')
    const seen = simulator.requests.at(-1)!
    expect(seen.model).toBe('claude-haiku-5-5')
    expect(seen.headers).toMatchObject({ 'anthropic-version': '2023-06-01', 'anthropic-beta': 'token-efficient-tools-2025-02-19' })
    expect((seen.body as any).temperature).toBe(0.5)
  })

  it.each([
    ['an unknown model (404, as Anthropic answers)', { model: 'gpt-5', max_tokens: 10 }, 404, /unknown model "gpt-5"/],
    ['missing max_tokens', { model: 'fast' }, 400, /max_tokens/],
    ['max_tokens above the model limit', { model: 'claude-haiku-4-5', max_tokens: 100_000 }, 400, /max_tokens: 100000 is above the 64000/],
    ['empty messages', { model: 'fast', max_tokens: 10, messages: [] }, 400, /messages/],
  ])('rejects %s before calling upstream', async (_name, body, status, message) => {
    const { app, simulator } = makeApp()
    const res = await postJson(app, '/v1/messages', { messages: user('hi'), ...body })
    expect(res.status).toBe(status)
    const json = (await res.json()) as any
    expect(json).toMatchObject({ type: 'error', error: { type: status === 404 ? 'not_found_error' : 'invalid_request_error' } })
    expect(json.error.message).toMatch(message)
    expect(simulator.requests).toHaveLength(0)
  })

  it('403 for a model outside ALLOWED_MODELS; the SDK throws its PermissionDeniedError', async () => {
    const { app } = makeApp({ ALLOWED_MODELS: 'fast,balanced' })
    await expect(sdk(app).messages.create({ model: 'claude-opus-5-5', max_tokens: 10, messages: user('hi') })).rejects.toBeInstanceOf(
      Anthropic.PermissionDeniedError,
    )
  })

  it('maps upstream failures as Anthropic answers them: 529 overloaded_error once retried', async () => {
    const { app } = makeApp()
    const err = await sdk(app)
      .messages.create({ model: 'fast', max_tokens: 10, messages: user('hi [sim status=529]') })
      .catch((e) => e)
    expect(err).toBeInstanceOf(Anthropic.APIError)
    expect(err.status).toBe(529)
    expect(err.error.error.type).toBe('overloaded_error')
  })
})

describe('POST /v1/messages/count_tokens', () => {
  it('answers what the API counts, for an allowed model only', async () => {
    const { app } = makeApp({ ALLOWED_MODELS: 'fast,balanced' })
    const counted = await sdk(app).messages.countTokens({ model: 'claude-haiku-5-5', messages: user('How many tokens is this?') })
    const direct = await new Anthropic({
      apiKey: 'sk-ant-x',
      baseURL: 'http://sim.local',
      fetch: createSimulator().fetch,
    }).messages.countTokens({
      model: 'claude-haiku-5-5',
      messages: user('How many tokens is this?'),
    })
    expect(counted.input_tokens).toBe(direct.input_tokens)
    expect(counted.input_tokens).toBeGreaterThan(3)
    const refused = await postJson(app, '/v1/messages/count_tokens', { model: 'smart', messages: user('hi') })
    expect(refused.status).toBe(403)
  })
})

describe('POST /v1/messages with stream: true', () => {
  it('relays the events so messages.stream() gives the same message as the API', async () => {
    const { app } = makeApp()
    const stream = sdk(app).messages.stream({ model: 'fast', max_tokens: 200, messages: user('Hi [sim tokens=9]') })
    const texts: string[] = []
    stream.on('text', (t) => texts.push(t))
    const final = await stream.finalMessage()
    const direct = await new Anthropic({ apiKey: 'sk-ant-x', baseURL: 'http://sim.local', fetch: createSimulator().fetch }).messages
      .stream({ model: 'claude-haiku-5-5', max_tokens: 200, messages: user('Hi [sim tokens=9]') })
      .finalMessage()
    expect(texts).toHaveLength(9)
    expect(final.content).toEqual(direct.content)
    expect(final.usage).toEqual(direct.usage)
    expect(final.stop_reason).toBe('end_turn')
  })

  it('writes `event:` = data.type frames, a comment first, ping heartbeats while the upstream stalls', async () => {
    const gate = gatedSleep()
    const { app } = makeApp({ HEARTBEAT_MS: '100' }, createSimulator({ sleep: gate.sleep }))
    const res = await postJson(app, '/v1/messages', {
      model: 'fast',
      max_tokens: 100,
      stream: true,
      messages: user('Hi [sim tokens=3] [sim stall=60000 after=4]'),
    })
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    const reader = frameReader(res)
    expect(await reader.next()).toEqual({ kind: 'comment', text: 'stream-open' })
    const seen: string[] = []
    for (let pings = 0; pings < 2; ) {
      const frame = await reader.nextEvent()
      expect(JSON.parse(frame.data).type).toBe(frame.event)
      if (frame.event === 'ping') pings++
      else seen.push(frame.event!)
    }
    expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta'])
    await gate.release()
    const rest = (await reader.all()).filter((f) => f.kind === 'event').map((f) => (f as any).event)
    expect(rest.filter((e: string) => e !== 'ping')).toEqual([
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ])
  })

  it('ends with Anthropic’s `event: error` on a mid-stream failure; the SDK throws it', async () => {
    const { app } = makeApp()
    const res = await postJson(app, '/v1/messages', {
      model: 'fast',
      max_tokens: 100,
      stream: true,
      messages: user('Hi [sim tokens=10] [sim drop after=5]'),
    })
    const frames = (await frameReader(res).all()).filter((f) => f.kind === 'event') as { event: string; data: string }[]
    expect(frames.at(-1)!.event).toBe('error')
    expect(JSON.parse(frames.at(-1)!.data)).toMatchObject({
      type: 'error',
      error: { type: 'upstream_error', message: expect.any(String) },
      request_id: res.headers.get('x-request-id'),
    })

    const stream = sdk(app).messages.stream({
      model: 'fast',
      max_tokens: 100,
      messages: user('Hi [sim tokens=10] [sim error=overloaded_error after=5]'),
    })
    const err = await stream.finalMessage().catch((e) => e)
    expect(err).toBeInstanceOf(Anthropic.APIError)
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } })
  })

  it('a 529 before the first event is retried invisibly; the SDK sees one clean stream', async () => {
    const { app, simulator } = makeApp()
    const final = await sdk(app)
      .messages.stream({ model: 'fast', max_tokens: 100, messages: user('Hi [sim status=529 retry_after_ms=1 times=1] [sim tokens=3]') })
      .finalMessage()
    expect(final.usage.output_tokens).toBe(3)
    expect(simulator.requests.map((r) => r.status)).toEqual([529, 200])
  })

  it('a failure before the first event also ends the stream with `event: error`', async () => {
    const { app } = makeApp()
    const res = await postJson(app, '/v1/messages', { model: 'fast', max_tokens: 100, stream: true, messages: user('Hi [sim status=529]') })
    const frames = (await frameReader(res).all()).filter((f) => f.kind === 'event') as { event: string; data: string }[]
    expect(frames.map((f) => f.event)).toEqual(['error'])
    expect(JSON.parse(frames[0]!.data).error.type).toBe('overloaded_error')
  })

  it('aborting the SDK stream cancels the upstream request at once', async () => {
    const gate = gatedSleep()
    const { app, simulator } = makeApp({}, createSimulator({ sleep: gate.sleep }))
    const stream = sdk(app).messages.stream({ model: 'fast', max_tokens: 500, messages: user('Long [sim tokens=200 delay=5]') })
    const texts: string[] = []
    stream.on('text', (t) => texts.push(t))
    while (texts.length < 2) await gate.release()
    stream.abort()
    await stream.done().catch(() => {})
    await settle()
    const record = simulator.requests.at(-1)!
    expect(record.cancelled).toBe(true)
    const sent = record.eventsSent
    await settle()
    expect(record.eventsSent).toBe(sent)
    expect(gate.sleeping).toBe(false)
  })
})
