import {
  DefaultChatTransport,
  lastAssistantMessageIsCompleteWithToolCalls,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
} from 'ai'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineTool } from '../../src/tools/define-tool.ts'
import { appFetch, PlainState, TestChat } from '../support/ai-chat.ts'
import { executionContext } from '../support/execution-context.ts'
import { makeToolApp, sentMessages, waitingTool } from './support.ts'

type App = ReturnType<typeof makeToolApp>['app']

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city',
  input: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: city.length }),
})
const confirm = {
  name: 'confirm_booking',
  description: 'Ask the user to confirm a booking',
  input_schema: { type: 'object', properties: { hotel: { type: 'string' } }, required: ['hotel'] },
}

/** One streamed request through useChat's own transport and reader. */
async function streamOnce(app: App, text: string, body: Record<string, unknown> = {}) {
  const transport = new DefaultChatTransport<UIMessage>({ api: 'http://gateway.local/v1/chat/stream', body, fetch: appFetch(app) })
  const stream = await transport.sendMessages({
    chatId: 'c1',
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
    messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text }] }],
  })
  const chunks: UIMessageChunk[] = []
  const errors: unknown[] = []
  let message: UIMessage | undefined
  const tee = stream.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({ transform: (c, ctl) => (chunks.push(c), ctl.enqueue(c)) }),
  )
  for await (const m of readUIMessageStream<UIMessage>({ stream: tee, onError: (e) => errors.push(e) })) message = m
  return { chunks, message: message!, errors }
}

/** Chunk types with runs of deltas collapsed, e.g. `tool-input-delta…`. */
function shape(chunks: UIMessageChunk[]): string[] {
  const out: string[] = []
  for (const { type } of chunks) {
    const name = type.endsWith('-delta') ? `${type}…` : type
    if (out.at(-1) !== name || !name.endsWith('…')) out.push(name)
  }
  return out
}

describe('tool loop over /v1/chat/stream', () => {
  it('streams tool input, then the server tool output, then the next step’s text, with step boundaries', async () => {
    const { app, simulator } = makeToolApp([weather])
    const { chunks, message, errors } = await streamOnce(
      app,
      'Weather? [sim tool=get_weather {"city":"Paris"}] [sim step=2 text="It is mild in Paris."]',
      { model: 'fast' },
    )
    expect(errors).toEqual([])
    expect(shape(chunks)).toEqual([
      'start',
      'start-step',
      'tool-input-start',
      'tool-input-delta…',
      'tool-input-available',
      'tool-output-available',
      'finish-step',
      'start-step',
      'text-start',
      'text-delta…',
      'text-end',
      'finish-step',
      'finish',
    ])
    const call = chunks.find((c) => c.type === 'tool-input-available') as any
    expect(call).toMatchObject({ toolName: 'get_weather', input: { city: 'Paris' } })
    expect(chunks.find((c) => c.type === 'tool-output-available')).toEqual({
      type: 'tool-output-available',
      toolCallId: call.toolCallId,
      output: { city: 'Paris', temperature: 5 },
    })
    const finish = chunks.at(-1) as any
    expect(finish.finishReason).toBe('stop')
    expect(finish.messageMetadata.stop_reason).toBe('end_turn')
    expect(finish.messageMetadata.usage.output_tokens).toBeGreaterThan(0)
    // The UI message as useChat holds it: two steps, the tool part complete, then the answer.
    expect(message.parts.map((p: any) => (p.type.startsWith('tool-') ? `${p.type}:${p.state}` : p.type))).toEqual([
      'step-start',
      'tool-get_weather:output-available',
      'step-start',
      'text',
    ])
    expect(message.parts.at(-1)).toMatchObject({ type: 'text', text: 'It is mild in Paris.' })
    expect(simulator.requests.map((r) => r.stream)).toEqual([true, true])
  })

  it('on models that keep thinking on, the text between tool calls arrives as reasoning (display summarized)', async () => {
    const { app, simulator } = makeToolApp([weather])
    const { chunks, message } = await streamOnce(app, 'Weather? [sim tokens=6 tool=get_weather {"city":"Oslo"}]', { model: 'balanced' })
    expect((simulator.requests[0]!.body as any).thinking).toEqual({ type: 'adaptive', display: 'summarized' })
    const firstStep = chunks.slice(
      0,
      chunks.findIndex((c) => c.type === 'finish-step'),
    )
    expect(firstStep.filter((c) => c.type === 'reasoning-delta').length).toBeGreaterThanOrEqual(6)
    expect((message.parts.find((p) => p.type === 'reasoning') as any).text.length).toBeGreaterThan(0)

    // A caller's own thinking setting is left alone, and so are requests without tools.
    await streamOnce(app, 'Hi', { model: 'balanced', tools: [] })
    expect((simulator.requests.at(-1)!.body as any).thinking).toBeUndefined()
    await streamOnce(app, 'Hi [sim tool=get_weather {"city":"Oslo"}]', {
      model: 'balanced',
      thinking: { type: 'adaptive', display: 'omitted' },
    })
    expect((simulator.requests.at(-1)!.body as any).thinking).toEqual({ type: 'adaptive', display: 'omitted' })
  })

  it('a failing tool becomes a tool-output-error part and the answer still follows', async () => {
    const broken = defineTool({
      name: 'broken',
      description: 'fails',
      input: z.object({}),
      execute: () => {
        throw new Error('secret detail')
      },
    })
    const { app } = makeToolApp([broken])
    const { chunks, message } = await streamOnce(app, '[sim tool=broken]', { model: 'fast' })
    expect(chunks.find((c) => c.type === 'tool-output-error')).toMatchObject({
      errorText: 'Tool "broken" failed with an internal error. Try again, or answer without it.',
    })
    expect(JSON.stringify(chunks)).not.toContain('secret detail')
    expect(message.parts.find((p: any) => p.type === 'tool-broken')).toMatchObject({ state: 'output-error' })
    expect((chunks.at(-1) as any).messageMetadata.stop_reason).toBe('end_turn')
  })

  it('MAX_STEPS reached ends the stream with stop_reason max_steps', async () => {
    const { app, simulator } = makeToolApp([weather], { MAX_STEPS: '1' })
    const { chunks } = await streamOnce(app, '[sim tool=get_weather {"city":"Rome"}]', { model: 'fast' })
    expect(simulator.requests).toHaveLength(1)
    expect(chunks.some((c) => c.type === 'tool-output-available')).toBe(false)
    expect((chunks.at(-1) as any).messageMetadata.stop_reason).toBe('max_steps')
  })

  it('client tool round trip through the ai package’s Chat: onToolCall → addToolOutput → automatic resend → final answer', async () => {
    const { app, simulator } = makeToolApp([weather])
    const calls: unknown[] = []
    const state = new PlainState()
    const chat: TestChat = new TestChat({
      state,
      transport: new DefaultChatTransport({
        api: 'http://gateway.local/v1/chat/stream',
        body: { model: 'fast', client_tools: [confirm] },
        fetch: appFetch(app),
      }),
      sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
      onToolCall: ({ toolCall }) => {
        calls.push(toolCall)
        // useChat reports every call; a page answers only its own tools (as the AI SDK docs show).
        if (toolCall.toolName !== 'confirm_booking') return
        // As a page would: the user confirmed, the browser posts the result.
        void chat.addToolOutput({ tool: 'confirm_booking', toolCallId: toolCall.toolCallId, output: { confirmed: true } })
      },
    })
    await chat.sendMessage({
      text: 'Book the Negresco [sim tool=get_weather {"city":"Nice"} tool=confirm_booking {"hotel":"Negresco"}] [sim step=2 text="Booked, and it is sunny."]',
    })
    while (chat.status !== 'ready' || simulator.requests.length < 2) await new Promise((r) => setTimeout(r, 5))

    expect(chat.error).toBeUndefined()
    expect(calls).toEqual([
      expect.objectContaining({ toolName: 'get_weather', input: { city: 'Nice' } }),
      expect.objectContaining({ toolName: 'confirm_booking', input: { hotel: 'Negresco' } }),
    ])
    expect(simulator.requests).toHaveLength(2)
    // The first request ran the server tool and handed the client one over; the second carried both results.
    const results = sentMessages(simulator, 1).at(-1).content
    expect(results.map((r: any) => r.content)).toEqual(['{"city":"Nice","temperature":4}', '{"confirmed":true}'])
    const assistant = state.messages.at(-1)!
    expect(assistant.role).toBe('assistant')
    expect(assistant.parts.map((p: any) => (p.type.startsWith('tool-') ? `${p.type}:${p.state}` : p.type))).toEqual([
      'step-start',
      'tool-get_weather:output-available',
      'tool-confirm_booking:output-available',
      'step-start',
      'text',
    ])
    expect(assistant.parts.at(-1)).toMatchObject({ text: 'Booked, and it is sunny.' })
  })

  it('a client that leaves during a tool run aborts the tool; no further model call is made', async () => {
    const { tool: waiting, started, aborted } = waitingTool()
    const { app, simulator } = makeToolApp([waiting])
    const { ctx, settled } = executionContext()
    const res = await app.request(
      '/v1/chat/stream',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: '[sim tool=waiting]' }] }),
      },
      {},
      ctx,
    )
    const reader = res.body!.getReader()
    await started.promise
    await reader.cancel()
    // The tool saw the client's abort (not a timeout or an error of its own).
    expect(await aborted.promise).toMatchObject({ name: 'AbortError' })
    await settled() // the request is over: its log line is written once the loop has ended
    expect(simulator.requests).toHaveLength(1)
  })
})
