import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSseChannel } from '../../src/stream/sse-channel.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

function open(overrides: Partial<Parameters<typeof createSseChannel>[0]> = {}) {
  const events: string[] = []
  const channel = createSseChannel({
    open: ': open\n\n',
    heartbeatMs: 1000,
    heartbeat: () => ': hb\n\n',
    onFirstByte: () => events.push('first-byte'),
    onCancel: () => events.push('cancel'),
    ...overrides,
  })
  const reader = channel.readable.getReader()
  const decoder = new TextDecoder()
  const written: string[] = []
  // Reads continuously, like a client: one entry per chunk the channel enqueued.
  void (async () => {
    for (;;) {
      const next = await reader.read()
      if (next.done) return
      written.push(decoder.decode(next.value))
    }
  })()
  /** What the client received so far (after letting pending reads settle). */
  const drain = async () => {
    for (let i = 0; i < 100; i++) await Promise.resolve()
    return written
  }
  return { channel, reader, events, drain }
}

describe('createSseChannel', () => {
  it('writes the opening frame at once and marks the first byte', async () => {
    const { events, drain } = open()
    expect(await drain()).toEqual([': open\n\n'])
    expect(events).toEqual(['first-byte'])
  })

  it('writes a heartbeat only after heartbeatMs without any write', async () => {
    const { channel, drain } = open()
    await vi.advanceTimersByTimeAsync(999)
    expect(await drain()).toEqual([': open\n\n'])
    channel.write('data: 1\n\n')
    await vi.advanceTimersByTimeAsync(999) // the write reset the clock
    expect(await drain()).toEqual([': open\n\n', 'data: 1\n\n'])
    await vi.advanceTimersByTimeAsync(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(await drain()).toEqual([': open\n\n', 'data: 1\n\n', ': hb\n\n', ': hb\n\n'])
  })

  it('each write is its own chunk: nothing is batched', async () => {
    const { channel, drain } = open()
    for (let i = 0; i < 5; i++) channel.write(`data: ${i}\n\n`)
    expect((await drain()).slice(1)).toEqual(['data: 0\n\n', 'data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n', 'data: 4\n\n'])
  })

  it('a client that cancels stops heartbeats and writes, and is reported once', async () => {
    const { channel, reader, events } = open()
    await reader.cancel('gone')
    expect(events).toEqual(['first-byte', 'cancel'])
    expect(channel.closed).toBe(true)
    expect(channel.write('data: late\n\n')).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('close ends the body and stops the heartbeat timer', async () => {
    const { channel, reader, drain } = open()
    channel.close()
    expect(await drain()).toEqual([': open\n\n'])
    await expect(reader.closed).resolves.toBeUndefined()
    expect(vi.getTimerCount()).toBe(0)
    expect(channel.write('x')).toBe(false)
  })
})
