import { describe, expect, it } from 'vitest'
import { ChatError } from '../../client/chat-error.ts'
import { parseErrorText, ReplyAccumulator } from '../../client/reply-accumulator.ts'
import { DONE } from '../../client/ui-message-chunk.ts'
import { metadata } from './frames.ts'

function thrown(fn: () => unknown): ChatError {
  try {
    fn()
  } catch (error) {
    if (ChatError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected a ChatError')
}

describe('ReplyAccumulator', () => {
  it('emits text as it arrives and a result with usage, cost and model at the end', () => {
    const reply = new ReplyAccumulator()
    expect(reply.apply({ type: 'start', messageId: 'm1' })).toEqual([{ type: 'start', messageId: 'm1' }])
    reply.apply({ type: 'text-start', id: 't' })
    expect(reply.apply({ type: 'text-delta', id: 't', delta: 'Hel' })).toEqual([{ type: 'text', id: 't', delta: 'Hel', text: 'Hel' }])
    expect(reply.apply({ type: 'text-delta', id: 't', delta: 'lo' })).toEqual([{ type: 'text', id: 't', delta: 'lo', text: 'Hello' }])
    reply.apply({ type: 'text-end', id: 't' })
    expect(reply.apply({ type: 'finish', finishReason: 'stop', messageMetadata: metadata })).toEqual([{ type: 'metadata', metadata }])
    reply.apply(DONE)
    const result = reply.end()
    expect(result).toMatchObject({
      text: 'Hello',
      finishReason: 'stop',
      messageId: 'm1',
      model: 'claude-sonnet-5-5',
      costUsd: 0.000074,
      requestId: 'req_1',
      usage: metadata.usage,
    })
  })

  it('keeps text, reasoning and tool parts in arrival order', () => {
    const reply = new ReplyAccumulator()
    reply.apply({ type: 'reasoning-start', id: 'r' })
    reply.apply({ type: 'reasoning-delta', id: 'r', delta: 'Think.' })
    reply.apply({ type: 'text-start', id: 'a' })
    reply.apply({ type: 'text-delta', id: 'a', delta: 'Let me check.' })
    const start = reply.apply({ type: 'tool-input-start', toolCallId: 'c1', toolName: 'weather' })
    expect(start[0]).toMatchObject({ type: 'tool-input-start', toolCall: { state: 'input-streaming', toolName: 'weather' } })
    reply.apply({ type: 'tool-input-delta', toolCallId: 'c1', inputTextDelta: '{"city":' })
    const delta = reply.apply({ type: 'tool-input-delta', toolCallId: 'c1', inputTextDelta: '"Paris"}' })
    expect(delta[0]).toMatchObject({ toolCall: { inputText: '{"city":"Paris"}' } })
    const call = reply.apply({
      type: 'tool-input-available',
      toolCallId: 'c1',
      toolName: 'weather',
      input: { city: 'Paris' },
      providerExecuted: true,
    })
    expect(call[0]).toMatchObject({ type: 'tool-call', toolCall: { state: 'input-available', input: { city: 'Paris' } } })
    const out = reply.apply({ type: 'tool-output-available', toolCallId: 'c1', output: { temp: 21 } })
    expect(out[0]).toMatchObject({ type: 'tool-result', toolCall: { state: 'output-available', output: { temp: 21 } } })
    reply.apply({ type: 'text-start', id: 'b' })
    reply.apply({ type: 'text-delta', id: 'b', delta: 'It is 21 °C.' })
    reply.apply({ type: 'finish' })
    const result = reply.end()
    expect(result.parts.map((p) => p.type)).toEqual(['reasoning', 'text', 'tool', 'text'])
    expect(result.text).toBe('Let me check.\n\nIt is 21 °C.')
    expect(result.reasoning).toBe('Think.')
    expect(result.toolCalls).toHaveLength(1)
  })

  it('reports failing tools as tool-error', () => {
    const reply = new ReplyAccumulator()
    reply.apply({ type: 'tool-input-available', toolCallId: 'c', toolName: 'x', input: {} })
    expect(reply.apply({ type: 'tool-output-error', toolCallId: 'c', errorText: 'timed out after 5000 ms' })).toEqual([
      { type: 'tool-error', toolCall: expect.objectContaining({ state: 'output-error', errorText: 'timed out after 5000 ms' }) },
    ])
  })

  it('merges message-metadata parts and the finish metadata', () => {
    const reply = new ReplyAccumulator()
    reply.apply({ type: 'start', messageMetadata: { request_id: 'req_9' } })
    reply.apply({ type: 'message-metadata', messageMetadata: { model: 'claude-haiku-5-5' } })
    reply.apply({ type: 'finish', messageMetadata: { cost_usd: 0.01 } })
    expect(reply.end().metadata).toEqual({ request_id: 'req_9', model: 'claude-haiku-5-5', cost_usd: 0.01 })
  })

  it('opens a part for a delta that arrives without its start part', () => {
    const reply = new ReplyAccumulator()
    expect(reply.apply({ type: 'text-delta', id: 'x', delta: 'hi' })).toEqual([{ type: 'text', id: 'x', delta: 'hi', text: 'hi' }])
  })

  it('passes data parts on as data events, and ignores part types it does not act on', () => {
    const reply = new ReplyAccumulator()
    expect(reply.apply({ type: 'data-weather', data: { a: 1 } })).toEqual([{ type: 'data', name: 'weather', data: { a: 1 } }])
    expect(reply.apply({ type: 'data-queued', data: { position: 2, waitMs: 1500 }, transient: true })).toEqual([
      { type: 'data', name: 'queued', data: { position: 2, waitMs: 1500 }, transient: true },
    ])
    expect(reply.apply({ type: 'source-url', sourceId: 's', url: 'https://a' })).toEqual([])
    expect(reply.hasContent).toBe(false)
  })

  it('turns an error part into a ChatError with the type and the text so far', () => {
    const reply = new ReplyAccumulator()
    reply.apply({ type: 'text-delta', id: 't', delta: 'Partial' })
    const error = thrown(() => reply.apply({ type: 'error', errorText: 'overloaded_error: Claude is overloaded.' }))
    expect([error.type, error.message, error.partialText]).toEqual(['overloaded_error', 'Claude is overloaded.', 'Partial'])
  })

  it('turns an abort part into an aborted ChatError', () => {
    expect(thrown(() => new ReplyAccumulator().apply({ type: 'abort', reason: 'client went away' })).type).toBe('aborted')
  })

  it('fails with incomplete when the stream ends without a finish part, even after [DONE]', () => {
    const reply = new ReplyAccumulator()
    reply.apply({ type: 'text-delta', id: 't', delta: 'Cut' })
    reply.apply(DONE)
    const error = thrown(() => reply.end())
    expect([error.type, error.partialText]).toEqual(['incomplete', 'Cut'])
  })

  it('rejects parts after [DONE]', () => {
    const reply = new ReplyAccumulator()
    reply.apply(DONE)
    expect(thrown(() => reply.apply({ type: 'start-step' })).type).toBe('protocol_error')
  })
})

describe('parseErrorText', () => {
  it('reads "<type>: <message>", the JSON error body, and plain text', () => {
    expect(parseErrorText('timeout_error: The upstream deadline passed.')).toEqual({
      type: 'timeout_error',
      message: 'The upstream deadline passed.',
    })
    expect(parseErrorText('{"type":"error","error":{"type":"upstream_error","message":"tried a, b"},"request_id":"r"}')).toEqual({
      type: 'upstream_error',
      message: 'tried a, b',
      requestId: 'r',
    })
    expect(parseErrorText('Something broke')).toEqual({ type: 'stream_error', message: 'Something broke' })
    expect(parseErrorText('{not json')).toEqual({ type: 'stream_error', message: '{not json' })
  })
})
