import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai'
import Anthropic from '@anthropic-ai/sdk'
import { exports } from 'cloudflare:workers'
import { expect, it } from 'vitest'
import { TEST_CLIENT_KEY } from '../support/credentials.ts'

// Both streaming routes through the deployable Worker's default export (the real workerd request
// path, execution context included), parsed by the official clients.
const workerFetch = ((url: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(String(url), init)) as typeof fetch

it('the deployed Worker streams /v1/chat/stream to useChat’s transport and reader', async () => {
  const transport = new DefaultChatTransport<UIMessage>({
    api: 'http://worker/v1/chat/stream',
    fetch: workerFetch,
    headers: { authorization: `Bearer ${TEST_CLIENT_KEY}` },
  })
  const stream = await transport.sendMessages({
    chatId: 'c',
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
    messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello [sim tokens=5]' }] }],
  })
  const errors: unknown[] = []
  let message: UIMessage | undefined
  for await (const m of readUIMessageStream<UIMessage>({ stream, onError: (e) => errors.push(e) })) message = m
  expect(errors).toEqual([])
  expect(message!.parts.filter((p) => p.type === 'text')).toHaveLength(1)
  expect(message!.metadata).toMatchObject({ stop_reason: 'end_turn', cost_usd: expect.any(Number), request_id: expect.any(String) })
})

it('the deployed Worker streams /v1/messages to the official SDK', async () => {
  const client = new Anthropic({ apiKey: TEST_CLIENT_KEY, baseURL: 'http://worker', fetch: workerFetch, maxRetries: 0 })
  const final = await client.messages
    .stream({ model: 'fast', max_tokens: 50, messages: [{ role: 'user', content: 'Hi [sim tokens=4]' }] })
    .finalMessage()
  expect(final.usage.output_tokens).toBe(4)
  expect(final.stop_reason).toBe('end_turn')
})
