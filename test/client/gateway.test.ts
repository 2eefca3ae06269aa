import { describe, expect, it } from 'vitest'
import { ChatError } from '../../client/chat-error.ts'
import { createChatClient } from '../../client/create-chat-client.ts'
import type { ChatMessage } from '../../client/types.ts'
import { withToolResults } from '../../client/with-tool-results.ts'
import { makeApp } from '../support/app.ts'

/** claude-edge/client against the gateway's POST /v1/chat/stream, with the simulator upstream. */
function clientFor(env: Record<string, string> = {}) {
  const { app, simulator } = makeApp(env)
  const fetch = ((input: string | URL | Request, init?: RequestInit) => app.request(String(input), init)) as typeof globalThis.fetch
  return { simulator, chat: (body = {}) => createChatClient({ endpoint: '/v1/chat/stream', fetch, body }) }
}

describe('claude-edge/client against POST /v1/chat/stream', () => {
  it('streams text and ends with model, usage, cost and request id', async () => {
    const { chat } = clientFor()
    const texts: string[] = []
    const result = await chat().send('Hi [sim tokens=12]', { onText: (_d, text) => texts.push(text) }).result
    expect(texts.length).toBeGreaterThanOrEqual(3)
    expect(result.text).toBe(texts.at(-1))
    expect(result.finishReason).toBe('stop')
    expect(result.model).toBe('claude-sonnet-5-5')
    expect(result.usage?.output_tokens).toBeGreaterThan(0)
    expect(result.costUsd).toBeGreaterThan(0)
    expect(result.requestId).toMatch(/\S/)
  })

  it('structured output: the checked answer as object', async () => {
    const { chat } = clientFor()
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
    const result = await chat({ output_schema: schema }).send('Where? [sim json=invalid times=1]').result
    expect(result.object).toMatchObject({ city: expect.any(String) })
    // The text has both answers (the first did not match, the repair did); object is the one to use.
    expect(result.parts.filter((p) => p.type === 'text')).toHaveLength(2)
  })

  it('runs a client tool round trip with withToolResults', async () => {
    const { chat, simulator } = clientFor()
    const client = chat({ client_tools: [{ name: 'get_location', description: 'Where the user is', input_schema: { type: 'object' } }] })
    let history: ChatMessage[] = [{ role: 'user', content: 'Where am I? [sim tool=get_location {}]' }]
    const first = await client.send(history).result
    expect(first.finishReason).toBe('tool-calls')
    const calls = first.toolCalls.filter((call) => !call.providerExecuted)
    expect(calls.map((call) => [call.toolName, call.state, call.input])).toEqual([['get_location', 'input-available', {}]])

    history = withToolResults(history, first, [{ toolCallId: calls[0]!.toolCallId, output: { city: 'Lyon' } }])
    const second = await client.send(history).result
    expect(second.finishReason).toBe('stop')
    expect(second.text.length).toBeGreaterThan(0)
    const sent = simulator.requests.at(-1)!.body as { messages: { role: string; content: unknown }[] }
    expect(sent.messages.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: calls[0]!.toolCallId, content: '{"city":"Lyon"}' }],
    })
  })

  it('surfaces the gateway refusal as a typed ChatError with Retry-After', async () => {
    const { chat } = clientFor({ RATE_LIMIT: '1/1m', ANONYMOUS_RATE_LIMIT: '1/1m' })
    const client = chat()
    await client.send('one [sim tokens=2]').result
    const error = await client.send('two').result.catch((e: unknown) => e)
    expect(ChatError.isInstance(error)).toBe(true)
    const e = error as ChatError
    expect([e.type, e.status]).toEqual(['rate_limit_error', 429])
    expect(e.retryAfter).toBeGreaterThan(0)
    expect(e.requestId).toMatch(/\S/)
  })

  it('surfaces an upstream failure mid-stream as an error of that type, with the text so far', async () => {
    const { chat } = clientFor()
    const error = await chat()
      .send('Hi [sim tokens=40] [sim error=overloaded_error after=12]')
      .result.catch((e: unknown) => e)
    expect(ChatError.isInstance(error)).toBe(true)
    expect((error as ChatError).type).toBe('overloaded_error')
    expect((error as ChatError).partialText.length).toBeGreaterThan(0)
  })
})
