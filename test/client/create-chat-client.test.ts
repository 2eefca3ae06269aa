import { describe, expect, it } from 'vitest'
import type { ChatError } from '../../client/chat-error.ts'
import { createChatClient } from '../../client/create-chat-client.ts'
import { rejection, until } from './async.ts'
import type { ChatEvent } from '../../client/types.ts'
import { controlledBody, DONE_FRAME, helloFrames, metadata, sse, streamResponse } from './frames.ts'

type Call = { url: string; init: RequestInit }

/** A fetch that answers each call with the next response (or throws it) and records the calls. */
function fakeFetch(...answers: (Response | Error | (() => Response))[]) {
  const calls: Call[] = []
  const fn = (async (url: string | URL, init: RequestInit = {}) => {
    calls.push({ url: String(url), init })
    const answer = answers.shift()
    if (!answer) throw new Error('unexpected extra fetch')
    if (answer instanceof Error) throw answer
    return typeof answer === 'function' ? answer() : answer
  }) as typeof fetch
  return { fetch: fn, calls }
}

const noDelay = { attempts: 2, initialDelayMs: 0, maxDelayMs: 0 }

describe('createChatClient', () => {
  it('posts the conversation with the token and streams text step by step', async () => {
    const body = controlledBody()
    const { fetch, calls } = fakeFetch(streamResponse(body.stream))
    const chat = createChatClient({ endpoint: '/v1/chat/stream', token: 'tok', fetch, body: { model: 'fast' } })
    const seen: string[] = []
    const reply = chat.send('Hi', { onText: (_delta, text) => seen.push(text) })

    for (const frame of helloFrames.slice(0, 4)) body.push(frame)
    await until(() => seen.length === 1)
    expect(seen).toEqual(['Hello'])
    for (const frame of helloFrames.slice(4)) body.push(frame)
    body.close()

    const result = await reply.result
    expect(seen).toEqual(['Hello', 'Hello world'])
    expect(result).toMatchObject({ text: 'Hello world', model: metadata.model, costUsd: metadata.cost_usd, usage: metadata.usage })
    expect(calls).toHaveLength(1)
    const headers = calls[0]!.init.headers as Record<string, string>
    expect(headers.authorization).toBe('Bearer tok')
    expect(headers['content-type']).toBe('application/json')
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] })
  })

  it('is async-iterable, replaying events from the start for every iteration', async () => {
    const { fetch } = fakeFetch(streamResponse(helloFrames.join('')))
    const reply = createChatClient({ endpoint: 'https://x/v1/chat/stream', fetch }).send([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
    ])
    const types: ChatEvent['type'][] = []
    for await (const event of reply) types.push(event.type)
    expect(types).toEqual(['start', 'step-start', 'text', 'text', 'step-finish', 'metadata', 'finish'])
    const again: ChatEvent['type'][] = []
    for await (const event of reply) again.push(event.type)
    expect(again).toEqual(types)
  })

  it('asks getToken before every attempt', async () => {
    let n = 0
    const { fetch, calls } = fakeFetch(new TypeError('Failed to fetch'), streamResponse(helloFrames.join('')))
    await createChatClient({ endpoint: '/s', fetch, retry: noDelay, getToken: async () => `t${++n}` }).send('x').result
    expect(calls.map((c) => (c.init.headers as Record<string, string>).authorization)).toEqual(['Bearer t1', 'Bearer t2'])
  })

  it('surfaces 429 with type, status and Retry-After seconds, without retrying', async () => {
    const { fetch, calls } = fakeFetch(
      new Response(JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'Slow down.' }, request_id: 'req_7' }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '30' },
      }),
    )
    const errors: ChatError[] = []
    const reply = createChatClient({ endpoint: '/s', fetch, retry: noDelay }).send('x', { onError: (e) => errors.push(e) })
    const error = await rejection(reply.result)
    expect({
      type: error.type,
      status: error.status,
      retryAfter: error.retryAfter,
      requestId: error.requestId,
      message: error.message,
    }).toEqual({
      type: 'rate_limit_error',
      status: 429,
      retryAfter: 30,
      requestId: 'req_7',
      message: 'Slow down.',
    })
    expect(errors).toEqual([error])
    expect(calls).toHaveLength(1)
  })

  it('surfaces 402 budget refusals and keeps the type of a non-JSON error page', async () => {
    const { fetch } = fakeFetch(
      new Response(JSON.stringify({ type: 'error', error: { type: 'budget_exceeded_error', message: 'Budget spent.' } }), {
        status: 402,
        headers: { 'retry-after': '3600' },
      }),
      new Response('<html>Bad gateway</html>', { status: 502 }),
    )
    const chat = createChatClient({ endpoint: '/s', fetch, retry: noDelay })
    const budget = await rejection(chat.send('x').result)
    expect([budget.type, budget.status, budget.retryAfter]).toEqual(['budget_exceeded_error', 402, 3600])
    const gateway = await rejection(chat.send('x').result)
    expect([gateway.type, gateway.status]).toEqual(['api_error', 502])
  })

  it('retries a connection that fails before any text, then succeeds', async () => {
    const dropped = controlledBody()
    const { fetch, calls } = fakeFetch(
      new TypeError('Failed to fetch'),
      streamResponse(dropped.stream),
      streamResponse(helloFrames.join('')),
    )
    dropped.push(sse({ type: 'start' }))
    dropped.fail(new TypeError('network error'))
    const events: ChatEvent[] = []
    const result = await createChatClient({ endpoint: '/s', fetch, retry: noDelay }).send('x', { onEvent: (e) => events.push(e) }).result
    expect(result.text).toBe('Hello world')
    expect(calls).toHaveLength(3)
    expect(events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && e.attempt)).toEqual([1, 2])
  })

  it('retries a stream that ends before any text (no finish part), bounded by attempts', async () => {
    const cut = () => streamResponse(sse({ type: 'start' }))
    const { fetch, calls } = fakeFetch(cut, cut, cut)
    const error = await rejection(createChatClient({ endpoint: '/s', fetch, retry: noDelay }).send('x').result)
    expect(error.type).toBe('incomplete')
    expect(calls).toHaveLength(3)
  })

  it('never retries once text arrived: a drop surfaces as network_error with the partial text', async () => {
    const body = controlledBody()
    const { fetch, calls } = fakeFetch(streamResponse(body.stream))
    let text = ''
    const reply = createChatClient({ endpoint: '/s', fetch, retry: noDelay }).send('x', { onText: (_d, t) => (text = t) })
    for (const frame of helloFrames.slice(0, 4)) body.push(frame)
    await until(() => text === 'Hello')
    body.fail(new TypeError('network error'))
    const error = await rejection(reply.result)
    expect([error.type, error.partialText]).toEqual(['network_error', 'Hello'])
    expect(calls).toHaveLength(1)
  })

  it('fails with incomplete when text arrived but no finish part did', async () => {
    const { fetch, calls } = fakeFetch(streamResponse([...helloFrames.slice(0, 6), DONE_FRAME].join('')))
    const error = await rejection(createChatClient({ endpoint: '/s', fetch, retry: noDelay }).send('x').result)
    expect([error.type, error.partialText]).toEqual(['incomplete', 'Hello world'])
    expect(calls).toHaveLength(1)
  })

  it('surfaces an error part with its type and the request id, and does not retry it', async () => {
    const response = streamResponse(
      [sse({ type: 'start' }), sse({ type: 'error', errorText: 'overloaded_error: Busy.' }), DONE_FRAME].join(''),
    )
    response.headers.set('x-request-id', 'req_42')
    const { fetch, calls } = fakeFetch(response)
    const error = await rejection(createChatClient({ endpoint: '/s', fetch, retry: noDelay }).send('x').result)
    expect([error.type, error.message, error.requestId]).toEqual(['overloaded_error', 'Busy.', 'req_42'])
    expect(calls).toHaveLength(1)
  })

  it('abort() cancels the response body and rejects with aborted', async () => {
    const body = controlledBody()
    const { fetch } = fakeFetch(streamResponse(body.stream))
    const reply = createChatClient({ endpoint: '/s', fetch }).send('x')
    const texts: string[] = []
    const iterate = (async () => {
      for await (const event of reply) if (event.type === 'text') texts.push(event.text)
    })()
    for (const frame of helloFrames.slice(0, 4)) body.push(frame)
    await until(() => texts.length === 1)
    reply.abort()
    await body.cancelled
    const error = await rejection(reply.result)
    expect([error.type, error.partialText]).toEqual(['aborted', 'Hello'])
    expect((await rejection(iterate)).type).toBe('aborted')
  })

  it('honours an already-aborted signal and an abort during the retry wait', async () => {
    const { fetch, calls } = fakeFetch(new TypeError('offline'))
    const controller = new AbortController()
    const chat = createChatClient({ endpoint: '/s', fetch, retry: { attempts: 2, initialDelayMs: 60_000, maxDelayMs: 60_000 } })
    const reply = chat.send('x', { signal: controller.signal, onEvent: (e) => e.type === 'retry' && controller.abort() })
    expect((await rejection(reply.result)).type).toBe('aborted')
    expect(calls).toHaveLength(1)

    const early = new AbortController()
    early.abort()
    expect((await rejection(chat.send('x', { signal: early.signal }).result)).type).toBe('aborted')
  })

  it('treats a silent connection as dropped after idleTimeoutMs (heartbeats keep it alive)', async () => {
    const silent = controlledBody()
    const { fetch, calls } = fakeFetch(streamResponse(silent.stream))
    const reply = createChatClient({ endpoint: '/s', fetch, retry: false, idleTimeoutMs: 30 }).send('x')
    silent.push(': ping\n\n')
    const error = await rejection(reply.result)
    expect(error.type).toBe('network_error')
    expect(error.message).toMatch(/sent nothing/)
    await silent.cancelled
    expect(calls).toHaveLength(1)
  })

  it('rejects a 200 that is not an event stream with protocol_error', async () => {
    const { fetch } = fakeFetch(new Response('{"text":"hi"}', { headers: { 'content-type': 'application/json' } }))
    const error = await rejection(createChatClient({ endpoint: '/s', fetch }).send('x').result)
    expect(error.type).toBe('protocol_error')
  })

  it('reports tool calls and results through callbacks', async () => {
    const frames = [
      sse({ type: 'start' }),
      sse({ type: 'tool-input-start', toolCallId: 'c1', toolName: 'get_weather' }),
      sse({ type: 'tool-input-delta', toolCallId: 'c1', inputTextDelta: '{"city":"Oslo"}' }),
      sse({ type: 'tool-input-available', toolCallId: 'c1', toolName: 'get_weather', input: { city: 'Oslo' } }),
      sse({ type: 'tool-output-available', toolCallId: 'c1', output: { temp: -3 } }),
      sse({ type: 'finish', finishReason: 'stop' }),
      DONE_FRAME,
    ]
    const { fetch } = fakeFetch(streamResponse(frames.join('')))
    const log: string[] = []
    await createChatClient({ endpoint: '/s', fetch }).send('x', {
      onToolCall: (c) => log.push(`call ${c.toolName} ${JSON.stringify(c.input)}`),
      onToolResult: (c) => log.push(`result ${c.state} ${JSON.stringify(c.output)}`),
    }).result
    expect(log).toEqual(['call get_weather {"city":"Oslo"}', 'result output-available {"temp":-3}'])
  })
})
