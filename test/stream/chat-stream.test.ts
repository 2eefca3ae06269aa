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
  const tee = stream.pipeThrough(new TransformStream<UIMessageChunk, UIMessageChunk>({ transform: (c, ctl) => (chunks.push(c), ctl.enqueue(c)) }))
  let message: UIMessage | undefined
  for await (const m of readUIMessageStream<UIMessage>({ stream: tee, onError: (e) => errors.push(e) })) message = m
  return { chunks, message: message!, errors }
}

const textOf = (m: UIMessage) => m.parts.filter((p) => p.type === 'text').map((p: any) => p.text).join('')

describe('POST /v1/chat/stream', () => {
  it('streams a reply that useChat’s transport and reader parse, with usage and cost on finish', async () => {
    const { app, simulator } = makeApp()
    const { chunks, message, errors } = await viaTransport(app, 'Hello [sim tokens=12]')
    expect(errors).toEqual([])
    expect(chunks.map((c) => c.type)).toEqual([
      'start', 'start-step', 'text-start', ...Array(12).fill('text-delta'), 'text-end', 'finish-step', 'finish',
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
