import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import { instantRetries } from '../support/app.ts'
import { executionContext } from '../support/execution-context.ts'
import { TEST_CLIENT_KEY, TEST_CLIENT_KEYS, TEST_CLIENT_KEY_SHA256 } from '../support/credentials.ts'

/** Everything written to the console during a test, one string per call. */
let output: string[] = []
beforeEach(() => {
  output = []
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void output.push(args.map(String).join(' ')))
  }
})
afterEach(() => vi.restoreAllMocks())

const ANTHROPIC_KEY = 'sk-ant-api03-TOPSECRET-upstream-key-0123456789'
const CLIENT_TOKEN = TEST_CLIENT_KEY

/** A gateway with a real-looking Anthropic key, answered by the simulator; requests run with an execution context. */
function gateway(env: Record<string, string> = {}, simulatorKeys?: string[]) {
  const simulator = createSimulator(simulatorKeys ? { apiKeys: simulatorKeys } : {})
  const config = parseConfig({ UPSTREAM: 'anthropic', ANTHROPIC_API_KEY: ANTHROPIC_KEY, CLIENT_KEYS: TEST_CLIENT_KEYS, ...env })
  const app = createApp({ config, fetch: simulator.fetch, upstream: instantRetries })
  const { ctx, settled } = executionContext()
  /** Any request, sent as is; resolves once its response was read and its log line written. */
  const request = async (path: string, init: RequestInit) => {
    const res = await app.request(path, init, {}, ctx)
    const text = await res.text()
    await settled()
    return { res, text }
  }
  const send = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_TOKEN}`, ...headers },
      body: JSON.stringify(body),
    })
  const lines = () => output.filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, any>)
  return { send, request, lines, simulator }
}

describe('the request log line', () => {
  it('one JSON line per request with id, identity, route, model, status, timings, tokens, cost; no body', async () => {
    const g = gateway()
    const { res, text } = await g.send('/v1/chat', { messages: [{ role: 'user', content: 'Hello secret plans [sim tokens=9]' }] })
    expect(res.status).toBe(200)
    const body = JSON.parse(text)
    const lines = g.lines()
    expect(lines).toHaveLength(1)
    const line = lines[0]!
    expect(line).toMatchObject({
      level: 'info',
      request_id: res.headers.get('x-request-id'),
      identity: 'key:test',
      method: 'POST',
      route: '/v1/chat',
      status: 200,
      outcome: 'ok',
      model: 'claude-sonnet-5-5',
      models_tried: ['claude-sonnet-5-5'],
      retries: 0,
      fallbacks: 0,
      calls: 1,
      tokens: {
        input: body.usage.input_tokens,
        output: 9,
        cache_creation: body.usage.cache_creation_input_tokens,
        cache_read: body.usage.cache_read_input_tokens,
      },
      cost_usd: body.cost_usd,
    })
    expect(line.latency_ms).toBeGreaterThanOrEqual(0)
    expect(line.ttfb_ms).toBeGreaterThanOrEqual(0)
    expect(line.context).toMatchObject({ dropped_messages: 0, max_input_tokens: 100_000 })
    expect(line.body).toBeUndefined()
    expect(JSON.stringify(line)).not.toContain('secret plans')
  })

  it('counts retries and fallbacks, and logs the error type of a failed request', async () => {
    const g = gateway({ FALLBACK_MODELS: 'smart,balanced' })
    await g.send('/v1/chat', { model: 'smart', messages: [{ role: 'user', content: 'hi [sim status=529 model=claude-opus-5-5]' }] })
    const failed = await g.send('/v1/chat', { model: 'smart', messages: [{ role: 'user', content: 'hi [sim status=529]' }] })
    expect(failed.res.status).toBe(503)
    const [ok, bad] = g.lines()
    expect(ok).toMatchObject({
      status: 200,
      models_tried: ['claude-opus-5-5', 'claude-sonnet-5-5'],
      model: 'claude-sonnet-5-5',
      retries: 2,
      fallbacks: 1,
    })
    // Opus's circuit opens at its fifth failure (3 in the first request, 2 here), so: 1 + 2 retries.
    expect(bad).toMatchObject({ level: 'error', status: 503, outcome: 'overloaded_error', retries: 3, fallbacks: 1, calls: 0, cost_usd: 0 })
    expect(bad!.model).toBeUndefined()
  })

  it('a stream is logged once it has closed, with its time to first byte', async () => {
    const g = gateway()
    const { res, text } = await g.send('/v1/chat/stream', { messages: [{ role: 'user', content: 'hi [sim tokens=5]' }] })
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/)
    expect(text).toContain('[DONE]')
    const [line] = g.lines()
    expect(line).toMatchObject({ route: '/v1/chat/stream', status: 200, outcome: 'ok', calls: 1, tokens: { output: 5 } })
    expect(line!.ttfb_ms).toBeGreaterThanOrEqual(0)
    expect(line!.latency_ms).toBeGreaterThanOrEqual(line!.ttfb_ms)
  })

  it('LOG_BODIES=true adds the request body, truncated', async () => {
    const g = gateway({ LOG_BODIES: 'true' })
    await g.send('/v1/chat', { messages: [{ role: 'user', content: 'Hello visible body' }] })
    expect(g.lines()[0]!.body).toContain('Hello visible body')
    const long = JSON.stringify({ messages: [{ role: 'user', content: `Long ${'y'.repeat(10_000)}` }] })
    await g.send('/v1/chat', JSON.parse(long))
    expect(g.lines()[1]!.body).toBe(`${long.slice(0, 8192)}…[${long.length - 8192} more characters]`)
  })
})

/**
 * A body of `total` bytes that exists only as it is read, `chunk` bytes per read (no read ahead):
 * `pulled()` is how much of it anything read.
 */
function countingBody(total: number, chunk: number) {
  let pulled = 0
  const piece = new TextEncoder().encode('x'.repeat(chunk))
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close()
        const size = Math.min(chunk, total - pulled)
        pulled += size
        controller.enqueue(piece.slice(0, size))
      },
    },
    { highWaterMark: 0 },
  )
  return { body, pulled: () => pulled }
}

describe('LOG_BODIES=true logs only a body its route read', () => {
  const secretBody = JSON.stringify({ messages: [{ role: 'user', content: 'private words' }] })

  it.each([
    ['a request without credential (401)', '/v1/chat', {}, 401],
    ['a request for no route (404)', '/v1/nothing-here', { authorization: `Bearer ${CLIENT_TOKEN}` }, 404],
    ['a request from a refused origin (403)', '/v1/chat', { authorization: `Bearer ${CLIENT_TOKEN}`, origin: 'https://evil.example' }, 403],
  ] as const)('%s: no body in the line', async (_name, path, headers, status) => {
    const g = gateway({ LOG_BODIES: 'true' })
    const { res } = await g.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: secretBody })
    expect(res.status).toBe(status)
    const [line] = g.lines()
    expect(line).toMatchObject({ status, route: path })
    expect(line!.body).toBeUndefined()
    expect(JSON.stringify(line)).not.toContain('private words')
  })

  it.each([
    ['with a content-length', true],
    ['streamed, without content-length', false],
  ])('a body over MAX_BODY_BYTES (%s): 413, no body logged, at most MAX_BODY_BYTES + one chunk read', async (_name, withLength) => {
    const max = 4096
    const chunk = 1024
    const total = 64 * max
    const g = gateway({ LOG_BODIES: 'true', MAX_BODY_BYTES: String(max) })
    const { body, pulled } = countingBody(total, chunk)
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_TOKEN}` }
    if (withLength) headers['content-length'] = String(total)
    const { res, text } = await g.request('/v1/chat', { method: 'POST', headers, body, duplex: 'half' } as RequestInit)
    expect(res.status).toBe(413)
    expect(JSON.parse(text).error.type).toBe('request_too_large')
    const [line] = g.lines()
    expect(line).toMatchObject({ status: 413, outcome: 'request_too_large' })
    expect(line!.body).toBeUndefined()
    expect(pulled()).toBeLessThanOrEqual(max + chunk)
  })
})

describe('the request log line, edge cases', () => {
  it('a JSON request the client abandons is logged as aborted at info level, with no error line', async () => {
    const g = gateway()
    const controller = new AbortController()
    const { ctx, settled } = executionContext()
    const config = parseConfig({ UPSTREAM: 'simulator', CLIENT_KEYS: TEST_CLIENT_KEYS })
    const app = createApp({ config, fetch: g.simulator.fetch, upstream: instantRetries })
    const request = app.request(
      '/v1/chat',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_TOKEN}` },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'Slow please [sim stall=5000]' }] }),
        signal: controller.signal,
      },
      {},
      ctx,
    )
    await vi.waitFor(() => expect(g.simulator.requests).toHaveLength(1))
    controller.abort()
    await request
    await settled()
    const lines = g.lines()
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 'info', outcome: 'aborted' })
    expect(output.filter((l) => l.includes('"level":"error"'))).toEqual([])
  })

  it('lists each model once in models_tried over a multi-step tool loop', async () => {
    const g = gateway()
    const { res } = await g.send('/v1/chat', {
      messages: [{ role: 'user', content: 'What time is it? [sim tool=current_time {"time_zone":"UTC"}]' }],
    })
    expect(res.status).toBe(200)
    const line = g.lines()[0]!
    expect(line.calls).toBeGreaterThanOrEqual(2)
    expect(line.models_tried).toEqual(['claude-sonnet-5-5'])
  })
})

describe('secrets never leave the Worker', () => {
  it('neither the Anthropic key nor the client credential appears in any log or response, on success or on error', async () => {
    const g = gateway({ FALLBACK_MODELS: 'smart,balanced' })
    const auth = { authorization: `Bearer ${CLIENT_TOKEN}`, 'x-api-key': CLIENT_TOKEN }
    const responses = [
      await g.send('/v1/chat', { messages: [{ role: 'user', content: 'hi' }] }, auth),
      await g.send('/v1/chat', { messages: [{ role: 'user', content: 'hi [sim status=500]' }] }, auth),
      await g.send('/v1/chat', { model: 'smart', messages: [{ role: 'user', content: 'hi [sim status=529]' }] }, auth),
      await g.send('/v1/chat', { messages: [{ role: 'user', content: 'hi [sim status=401]' }] }, auth),
      await g.send(
        '/v1/chat/stream',
        { messages: [{ role: 'user', content: 'hi [sim tokens=20] [sim error=overloaded_error after=5]' }] },
        auth,
      ),
      await g.send('/v1/chat', { messages: 'not an array' }, auth),
    ]
    // The upstream itself refuses our key: 502 "misconfigured", and still no key anywhere.
    const refusing = gateway({}, ['sk-ant-some-other-key'])
    const misconfigured = await refusing.send('/v1/chat', { messages: [{ role: 'user', content: 'hi' }] }, auth)
    expect(misconfigured.res.status).toBe(502)
    expect(misconfigured.text).toMatch(/misconfigured/)
    responses.push(misconfigured)

    expect(g.lines()).toHaveLength(responses.length) // both gateways log to the same console
    const everything = [...output, ...responses.flatMap(({ res, text }) => [text, JSON.stringify([...res.headers])])].join('\n')
    expect(everything).not.toContain(ANTHROPIC_KEY)
    expect(everything).not.toContain('TOPSECRET')
    expect(everything).not.toContain(CLIENT_TOKEN)
    expect(everything).not.toContain(TEST_CLIENT_KEY_SHA256)
  })
})
