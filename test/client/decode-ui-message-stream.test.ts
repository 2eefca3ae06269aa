import { describe, expect, it } from 'vitest'
import { ChatError } from '../../client/chat-error.ts'
import { decodeUIMessageStream, parseFrame } from '../../client/decode-ui-message-stream.ts'
import { DONE } from '../../client/ui-message-chunk.ts'
import { bytesIn, collect, helloFrames } from './frames.ts'

const expected = [
  { type: 'start', messageId: 'msg_1' },
  { type: 'start-step' },
  { type: 'text-start', id: 't1' },
  { type: 'text-delta', id: 't1', delta: 'Hello' },
  { type: 'text-delta', id: 't1', delta: ' world' },
  { type: 'text-end', id: 't1' },
  { type: 'finish-step' },
  expect.objectContaining({ type: 'finish', finishReason: 'stop' }),
  DONE,
]

describe('decodeUIMessageStream', () => {
  it('turns frames into parts, skipping heartbeat comments', async () => {
    expect(await collect(decodeUIMessageStream(bytesIn(helloFrames)))).toEqual(expected)
  })

  it('gives the same parts however the bytes are split', async () => {
    const wire = helloFrames.join('')
    for (const size of [1, 2, 3, 7, 64]) {
      const pieces: string[] = []
      for (let i = 0; i < wire.length; i += size) pieces.push(wire.slice(i, i + size))
      expect(await collect(decodeUIMessageStream(bytesIn(pieces)))).toEqual(expected)
    }
  })

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: {"type":"text-delta","id":"a","delta":"€"}\n\n')
    const euroStart = bytes.indexOf(0xe2)
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, euroStart + 1))
        c.enqueue(bytes.slice(euroStart + 1))
        c.close()
      },
    })
    expect(await collect(decodeUIMessageStream(body))).toEqual([{ type: 'text-delta', id: 'a', delta: '€' }])
  })

  it('accepts CRLF line endings and event-less frames with extra fields', async () => {
    const body = bytesIn(['data: {"type":"start-step"}\r\n\r\n: keep-alive\r\n\r\ndata: [DONE]\r\n\r\n'])
    expect(await collect(decodeUIMessageStream(body))).toEqual([{ type: 'start-step' }, DONE])
  })

  it('errors with protocol_error on a frame that is not JSON', async () => {
    const error = await collect(decodeUIMessageStream(bytesIn(['data: {oops\n\n']))).catch((e: unknown) => e)
    expect(ChatError.isInstance(error) && error.type).toBe('protocol_error')
  })

  it('parseFrame rejects JSON without a string type and ignores empty data', () => {
    expect(() => parseFrame('{"delta":"x"}')).toThrow(/without a type/)
    expect(() => parseFrame('42')).toThrow(/without a type/)
    expect(parseFrame('  ')).toBeUndefined()
    expect(parseFrame('[DONE]')).toBe(DONE)
  })
})
