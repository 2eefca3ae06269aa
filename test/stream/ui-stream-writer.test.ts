import { readUIMessageStream, uiMessageChunkSchema, type UIMessage } from 'ai'
import { describe, expect, it } from 'vitest'
import type { UIMessageChunk } from '../../src/wire/ui-message-chunk.ts'
import { UIStreamWriter } from '../../src/stream/ui-stream-writer.ts'

function record() {
  const parts: UIMessageChunk[] = []
  return { parts, writer: new UIStreamWriter((p) => parts.push(p)) }
}

/** Feeds parts to the ai package's reader (the one useChat uses); returns the message and errors. */
async function read(parts: UIMessageChunk[]) {
  const schema = uiMessageChunkSchema()
  for (const part of parts) expect(await schema.validate!(part), JSON.stringify(part)).toMatchObject({ success: true })
  const errors: unknown[] = []
  let message: UIMessage | undefined
  const stream = new ReadableStream({ start: (c) => (parts.forEach((p) => c.enqueue(p)), c.close()) })
  for await (const m of readUIMessageStream({ stream: stream as never, onError: (e) => errors.push(e) })) message = m
  return { message: message!, errors }
}

describe('UIStreamWriter', () => {
  it('writes a two-step message with reasoning, text, a tool call and its output that the ai reader accepts', async () => {
    const { parts, writer } = record()
    writer.startStep()
    const r = writer.reasoningStart()
    writer.reasoningDelta(r, 'Let me look.')
    writer.reasoningEnd(r)
    writer.toolInputStart('call_1', 'search')
    writer.toolInputDelta('call_1', '{"q":')
    writer.toolInputDelta('call_1', '"x"}')
    writer.toolInputAvailable('call_1', 'search', { q: 'x' })
    writer.finishStep()
    writer.toolOutput('call_1', { hits: 2 })
    writer.startStep()
    const t = writer.textStart()
    writer.textDelta(t, 'Two ')
    writer.textDelta(t, 'hits.')
    writer.finish('stop', { cost_usd: 0.1 })
    expect(parts.map((p) => p.type)).toEqual([
      'start',
      'start-step',
      'reasoning-start',
      'reasoning-delta',
      'reasoning-end',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-delta',
      'tool-input-available',
      'finish-step',
      'tool-output-available',
      'start-step',
      'text-start',
      'text-delta',
      'text-delta',
      'text-end',
      'finish-step',
      'finish',
    ])
    const { message, errors } = await read(parts)
    expect(errors).toEqual([])
    expect(message.metadata).toEqual({ cost_usd: 0.1 })
    expect(message.parts.map((p) => p.type)).toEqual(['step-start', 'reasoning', 'tool-search', 'step-start', 'text'])
    expect(message.parts[2]).toMatchObject({ state: 'output-available', input: { q: 'x' }, output: { hits: 2 } })
  })

  it('opens a part for a delta without its start, so the client never throws', async () => {
    const { parts, writer } = record()
    writer.textDelta('t1', 'hello')
    writer.finish('stop')
    expect(parts.map((p) => p.type)).toEqual(['start', 'text-start', 'text-delta', 'text-end', 'finish'])
    expect((await read(parts)).errors).toEqual([])
  })

  it('a transient data-queued part passes the ai schema and reader and is not added to the message', async () => {
    const { parts, writer } = record()
    writer.data('queued', { position: 2, waitMs: 1500 }, { transient: true })
    writer.textDelta('t1', 'hello')
    writer.finish('stop')
    expect(parts[1]).toEqual({ type: 'data-queued', data: { position: 2, waitMs: 1500 }, transient: true })
    const { message, errors } = await read(parts)
    expect(errors).toEqual([])
    expect(message.parts.map((p) => p.type)).toEqual(['text'])
  })

  it('error: ends open parts and the step, then the error part; nothing is written after finish', async () => {
    const { parts, writer } = record()
    writer.startStep()
    const t = writer.textStart()
    writer.textDelta(t, 'partial')
    writer.error('overloaded_error', 'Claude is overloaded.')
    writer.finish('error')
    writer.textDelta(t, 'late')
    writer.finish('stop')
    expect(parts.slice(-4)).toEqual([
      { type: 'text-end', id: t },
      { type: 'finish-step' },
      { type: 'error', errorText: 'overloaded_error: Claude is overloaded.' },
      { type: 'finish', finishReason: 'error' },
    ])
    const { errors } = await read(parts)
    expect(String(errors[0])).toContain('overloaded_error: Claude is overloaded.')
  })
})
