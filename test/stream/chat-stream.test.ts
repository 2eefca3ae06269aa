import { DefaultChatTransport, readUIMessageStream, uiMessageChunkSchema, type UIMessage, type UIMessageChunk } from 'ai'
import { describe, expect, it, vi } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'
import { RequestMeter } from '../../src/observability/meter.ts'
import { makeApp, postJson } from '../support/app.ts'
import { frameReader, gatedSleep, settle, uiParts } from './support.ts'

type App = ReturnType<typeof makeApp>['app']

/** useChat's own transport against the app: the same fetch, SSE parsing and chunk schema. */
async function viaTransport(app: App, text: string, body: Record<string, unknown> = {}) {
  const transport = new DefaultChatTransport<UIMessage>({
    api: 'http://gateway.local/v1/chat/stream',
    body,
    fetch: (async (url: RequestInfo | URL, init?: RequestInit) => app.request(String(url), init)) as typeof fetch,
  })
  const chunks: UIMessageChunk[] = []
  const stream = await transport.sendMessages({
    chatId: 'chat-1',
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
    messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text }] }],
  })
  const errors: unknown[] = []
  const tee = stream.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({ transform: (c, ctl) => (chunks.push(c), ctl.enqueue(c)) }),
  )
  let message: UIMessage | undefined
  for await (const m of readUIMessageStream<UIMessage>({ stream: tee, onError: (e) => errors.push(e) })) message = m
  return { chunks, message: message!, errors }
}

const textOf = (m: UIMessage) =>
  m.parts
    .filter((p) => p.type === 'text')
    .map((p: any) => p.text)
    .join('')

describe('POST /v1/chat/stream', () => {
  it('streams a reply that useChat’s transport and reader parse, with usage and cost on finish', async () => {
    const { app, simulator } = makeApp()
    const { chunks, message, errors } = await viaTransport(app, 'Hello [sim tokens=12]')
    expect(errors).toEqual([])
    expect(chunks.map((c) => c.type)).toEqual([
      'start',
      'start-step',
      'text-start',
      ...Array(12).fill('text-delta'),
      'text-end',
      'finish-step',
      'finish',
    ])
    const sim = simulator.requests.at(-1)!
    expect(sim).toMatchObject({ stream: true, completed: true, cancelled: false })
    const sameBody = { messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello [sim tokens=12]' }] }] }
    const json = (await (await postJson(makeApp().app, '/v1/chat', sameBody)).json()) as any
    expect(textOf(message)).toBe(json.text)
    const finish = chunks.at(-1) as Extract<UIMessageChunk, { type: 'finish' }>
    expect(finish.finishReason).toBe('stop')
    expect(message.metadata).toMatchObject({
      model: 'claude-sonnet-5-5',
      stop_reason: 'end_turn',
      usage: { output_tokens: 12, input_tokens: json.usage.input_tokens },
      cost_usd: json.cost_usd,
      models_tried: ['claude-sonnet-5-5'],
    })
    expect((message.metadata as any).request_id).toMatch(/\S+/)
  })
})

describe('POST /v1/chat/stream on the wire (docs/streaming.md)', () => {
  it('sends the SSE headers and a comment before the upstream answers', async () => {
    const gate = gatedSleep()
    const { app, simulator } = makeApp({}, createSimulator({ sleep: gate.sleep }))
    const res = await postJson(app, '/v1/chat/stream', { messages: [{ role: 'user', content: 'Hi [sim stall=60000] [sim tokens=2]' }] })
    expect(res.status).toBe(200)
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-vercel-ai-ui-message-stream': 'v1',
    })
    expect(res.headers.get('x-request-id')).toMatch(/\S/)
    const reader = frameReader(res)
    expect(await reader.next()).toEqual({ kind: 'comment', text: 'stream-open' })
    // The simulator stalls before answering: the comment was written before any upstream answer.
    expect(simulator.requests.every((r) => r.status === 0)).toBe(true)
    await gate.untilSleeping()
    expect(simulator.requests.at(-1)!.status).toBe(0)
    await gate.release()
    const parts = uiParts(await reader.all())
    expect(parts.at(-2)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    expect(parts.at(-1)).toBe('[DONE]')
    expect(reader.chunks.join('')).toMatch(/^: stream-open\n\n(data: [^\n]+\n\n)+$/)
  })

  it('writes each delta as it arrives: one upstream event released, one part read, no batching', async () => {
    const gate = gatedSleep()
    const { app, simulator } = makeApp({}, createSimulator({ sleep: gate.sleep }))
    const res = await postJson(app, '/v1/chat/stream', { messages: [{ role: 'user', content: 'Count [sim tokens=20 delay=5]' }] })
    const reader = frameReader(res)
    const nextPart = async () => JSON.parse((await reader.nextEvent()).data)
    // message_start comes without a delay; every later upstream event waits for a release.
    expect(await nextPart()).toEqual({ type: 'start' })
    expect(await nextPart()).toEqual({ type: 'start-step' })
    await gate.release() // content_block_start
    expect(await nextPart()).toEqual({ type: 'text-start', id: 'text-0' })
    await gate.release() // ping: filtered, nothing to write
    const deltas: string[] = []
    for (let k = 1; k <= 20; k++) {
      await gate.release()
      // The k-th delta reaches the client while the simulator waits to generate the next event:
      // a gateway that batched or buffered would leave this read hanging.
      const part = await nextPart()
      expect(part).toMatchObject({ type: 'text-delta', id: 'text-0' })
      expect(simulator.requests.at(-1)!.eventsSent).toBe(3 + k)
      deltas.push(part.delta)
    }
    await gate.release() // content_block_stop
    expect(await nextPart()).toEqual({ type: 'text-end', id: 'text-0' })
    await gate.release() // message_delta
    await gate.release() // message_stop
    const rest = uiParts(await reader.all())
    expect(rest.map((p) => p.type ?? p)).toEqual(['finish-step', 'finish', '[DONE]'])
    expect(rest[1].messageMetadata.usage.output_tokens).toBe(20)
    expect(deltas.join('')).toMatch(/\S/)
  })
})

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content }], ...extra })

describe('POST /v1/chat/stream content', () => {
  it('streams extended thinking as reasoning parts and tool input as tool parts', async () => {
    const { app } = makeApp()
    const thinking = await viaTransport(app, 'Think [sim thinking=6 tokens=4]', {
      model: 'fast',
      thinking: { type: 'enabled', budget_tokens: 1024 },
      max_tokens: 2000,
    })
    expect(thinking.errors).toEqual([])
    const types = thinking.chunks.map((c) => c.type)
    expect(types.slice(0, 4)).toEqual(['start', 'start-step', 'reasoning-start', 'reasoning-delta'])
    expect(types.filter((t) => t === 'reasoning-delta')).toHaveLength(6)
    expect(thinking.message.parts.map((p) => p.type)).toEqual(['step-start', 'reasoning', 'text'])

    const tool = await viaTransport(app, 'Weather? [sim tool=get_weather {"city":"Paris","days":[1,2,3]}]', {
      client_tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
    })
    expect(tool.errors).toEqual([])
    const deltas = tool.chunks.filter((c) => c.type === 'tool-input-delta') as { inputTextDelta: string }[]
    expect(deltas.length).toBeGreaterThan(1)
    expect(JSON.parse(deltas.map((d) => d.inputTextDelta).join(''))).toEqual({ city: 'Paris', days: [1, 2, 3] })
    const part = tool.message.parts.find((p) => p.type === 'tool-get_weather') as any
    expect(part).toMatchObject({ state: 'input-available', input: { city: 'Paris', days: [1, 2, 3] } })
    expect(tool.chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls', messageMetadata: { stop_reason: 'tool_use' } })
  })

  it('answers JSON errors with their status before the stream starts', async () => {
    const { app, simulator } = makeApp()
    const res = await postJson(app, '/v1/chat/stream', { messages: [] })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(((await res.json()) as any).error.type).toBe('invalid_request_error')
    expect(simulator.requests).toHaveLength(0)
  })

  it('reports warnings in the finish metadata', async () => {
    const { app } = makeApp()
    const { message } = await viaTransport(app, 'Hi [sim tokens=2]', { model: 'balanced', temperature: 0.3 })
    expect((message.metadata as any).warnings).toEqual([expect.stringContaining('temperature')])
  })
})

describe('POST /v1/chat/stream keeps idle connections alive', () => {
  it('writes keep-alive comments during an upstream stall longer than HEARTBEAT_MS, then completes', async () => {
    const gate = gatedSleep()
    const { app } = makeApp({ HEARTBEAT_MS: '100' }, createSimulator({ sleep: gate.sleep }))
    const res = await postJson(app, '/v1/chat/stream', ask('Slow [sim tokens=3] [sim stall=60000 after=4]'))
    const reader = frameReader(res)
    const before: string[] = []
    for (;;) {
      const frame = (await reader.next())!
      if (frame.kind === 'event') before.push(JSON.parse(frame.data).type)
      else if (frame.text === 'keep-alive') break
    }
    // The stall started after the first delta; a second heartbeat proves they repeat.
    expect(before).toEqual(['start', 'start-step', 'text-start', 'text-delta'])
    expect(await reader.next()).toEqual({ kind: 'comment', text: 'keep-alive' })
    await gate.release()
    const rest = uiParts(await reader.all())
    expect(rest.filter((p) => p.type === 'text-delta')).toHaveLength(2)
    expect(rest.slice(-2)).toEqual([expect.objectContaining({ type: 'finish', finishReason: 'stop' }), '[DONE]'])
  })

  it('treats an upstream silent for UPSTREAM_IDLE_TIMEOUT_MS as dead: aborts it, error part, finish', async () => {
    const gate = gatedSleep()
    const { app, simulator } = makeApp({ HEARTBEAT_MS: '100', UPSTREAM_IDLE_TIMEOUT_MS: '300' }, createSimulator({ sleep: gate.sleep }))
    const res = await postJson(app, '/v1/chat/stream', ask('Dead [sim tokens=5] [sim stall=60000 after=4]'))
    const frames = await frameReader(res).all()
    const parts = uiParts(frames)
    expect(frames.some((f) => f.kind === 'comment' && f.text === 'keep-alive')).toBe(true)
    expect(parts.slice(-5, -3)).toEqual([{ type: 'text-end', id: 'text-0' }, { type: 'finish-step' }])
    expect(parts.at(-3)).toEqual({ type: 'error', errorText: expect.stringMatching(/^timeout_error: .*300 ms/) })
    expect(parts.at(-2)).toMatchObject({ type: 'finish', finishReason: 'error', messageMetadata: { error: { type: 'timeout_error' } } })
    expect(parts.at(-1)).toBe('[DONE]')
    expect(simulator.requests.at(-1)).toMatchObject({ cancelled: true, completed: false })
  })
})

describe('POST /v1/chat/stream failures end with an explicit error part and a finish', () => {
  it('a 529 before the first event is retried invisibly: only the good answer reaches the client', async () => {
    const { app, simulator } = makeApp()
    const { chunks, errors, message } = await viaTransport(app, 'Hi [sim status=529 retry_after_ms=1 times=1] [sim tokens=4]')
    expect(errors).toEqual([])
    expect(chunks.map((c) => c.type)).not.toContain('error')
    expect(simulator.requests.map((r) => r.status)).toEqual([529, 200])
    expect(message.metadata).toMatchObject({ stop_reason: 'end_turn', usage: { output_tokens: 4 } })
  })

  it('an overloaded model falls back before the first event; the finish names the model that answered', async () => {
    const { app } = makeApp({ FALLBACK_MODELS: 'fast' })
    const { errors, message } = await viaTransport(app, 'Hi [sim status=529 retry_after_ms=1 model=claude-sonnet-5-5] [sim tokens=3]')
    expect(errors).toEqual([])
    expect(message.metadata).toMatchObject({ model: 'claude-haiku-5-5', stop_reason: 'end_turn' })
    expect((message.metadata as any).models_tried).toEqual(expect.arrayContaining(['claude-sonnet-5-5', 'claude-haiku-5-5']))
  })

  it('529 on every attempt: overloaded_error part, finish with the models tried', async () => {
    const { app } = makeApp()
    const { chunks, errors, message } = await viaTransport(app, 'Hi [sim status=529]')
    expect(chunks.map((c) => c.type)).toEqual(['start', 'error', 'finish'])
    expect(errors).toEqual([new Error((chunks[1] as any).errorText)])
    expect((chunks[1] as any).errorText).toMatch(/^overloaded_error: Claude is overloaded/)
    expect(message.metadata).toMatchObject({
      stop_reason: null,
      models_tried: expect.arrayContaining(['claude-sonnet-5-5']),
      usage: { output_tokens: 0 },
    })
  })

  it.each([
    ['an error event', '[sim error=overloaded_error after=6]', /^overloaded_error: /],
    ['a dropped connection', '[sim drop after=6]', /^upstream_error: /],
  ])('%s mid-stream: the text so far, then the error part, finish and [DONE]', async (_name, directive, errorText) => {
    const { app, simulator } = makeApp()
    const res = await postJson(app, '/v1/chat/stream', ask(`Hi [sim tokens=10] ${directive}`))
    const parts = uiParts(await frameReader(res).all())
    const types = parts.map((p) => p.type ?? p)
    expect(types.filter((t) => t === 'text-delta')).toHaveLength(3)
    expect(types.slice(-5)).toEqual(['text-end', 'finish-step', 'error', 'finish', '[DONE]'])
    expect(parts.at(-3).errorText).toMatch(errorText)
    const metadata = parts.at(-2).messageMetadata
    expect(parts.at(-2).finishReason).toBe('error')
    // What was already generated is billed: input tokens from message_start, output estimated.
    expect(metadata.usage.input_tokens).toBeGreaterThan(0)
    expect(metadata.usage.output_tokens).toBeGreaterThan(0)
    expect(metadata.cost_usd).toBeGreaterThan(0)
    expect(simulator.requests.at(-1)!.completed).toBe(false)
  })

  it('the ai reader surfaces a mid-stream error through onError, keeping the partial text', async () => {
    const { app } = makeApp()
    const { errors, message } = await viaTransport(app, 'Hi [sim tokens=10] [sim error=api_error after=6]')
    expect(errors).toHaveLength(1)
    expect(String(errors[0])).toMatch(/upstream_error|api_error/)
    expect(textOf(message).length).toBeGreaterThan(0)
  })
})

describe('POST /v1/chat/stream client abort', () => {
  it('cancels the upstream at once, generates nothing more, and finishes the meter with partial usage', async () => {
    const spy = vi.spyOn(RequestMeter.prototype, 'finish')
    try {
      const gate = gatedSleep()
      const { app, simulator } = makeApp({}, createSimulator({ sleep: gate.sleep }))
      const res = await postJson(app, '/v1/chat/stream', ask('Long [sim tokens=100 delay=5]'))
      const reader = frameReader(res)
      for (let seen = 0; seen < 3; ) {
        const frame = await Promise.race([reader.nextEvent(), gate.release().then(() => null)])
        if (frame && JSON.parse(frame.data).type === 'text-delta') seen++
      }
      await reader.cancel()
      await settle()
      const record = simulator.requests.at(-1)!
      expect(record.cancelled).toBe(true)
      const sent = record.eventsSent
      expect(gate.sleeping).toBe(false)
      await settle()
      expect(record.eventsSent).toBe(sent)
      expect(record.eventsSent).toBeLessThan(20)
      const finished = spy.mock.contexts as RequestMeter[]
      expect(finished).toHaveLength(1)
      expect(spy.mock.calls[0]).toEqual(['aborted'])
      expect(finished[0]!.outcome).toBe('aborted')
      expect(finished[0]!.calls).toHaveLength(1)
      expect(finished[0]!.usage.input_tokens).toBeGreaterThan(0)
      expect(finished[0]!.usage.output_tokens).toBeGreaterThanOrEqual(1)
    } finally {
      spy.mockRestore()
    }
  })
})

describe('every part we write is valid for the pinned ai package', () => {
  it('validates against uiMessageChunkSchema', async () => {
    const { app } = makeApp()
    const bodies = [
      ask('A [sim tokens=3]'),
      ask('B [sim tool=lookup {"q":"x"}]', { client_tools: [{ name: 'lookup', input_schema: { type: 'object' } }] }),
      ask('C [sim thinking=2 tokens=2]', { model: 'fast', thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 2000 }),
      ask('D [sim tokens=5] [sim drop after=5]'),
    ]
    const schema = uiMessageChunkSchema()
    for (const body of bodies) {
      const parts = uiParts(await frameReader(await postJson(app, '/v1/chat/stream', body)).all()).filter((p) => p !== '[DONE]')
      for (const part of parts) {
        const result = await schema.validate!(part)
        expect(result, JSON.stringify(part)).toMatchObject({ success: true })
      }
    }
  })
})
