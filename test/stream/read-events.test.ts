import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GatewayError } from '../../src/errors.ts'
import { readEvents, StreamAbortedError } from '../../src/stream/read-events.ts'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** An upstream whose events the test pushes; `next()` stays pending until then (like a stalled body). */
function upstream() {
  const queue: number[] = []
  let wake: (() => void) | undefined
  const controller = new AbortController()
  let ended = false
  const stream = {
    controller,
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (!queue.length && !ended) await new Promise<void>((r) => (wake = r))
        if (!queue.length) return
        yield queue.shift()!
      }
    },
  }
  return {
    stream,
    controller,
    push: (n: number) => (queue.push(n), wake?.()),
    end: () => ((ended = true), wake?.()),
  }
}

describe('readEvents', () => {
  it('delivers events in order and resolves at the end', async () => {
    const up = upstream()
    const seen: number[] = []
    const done = readEvents(up.stream, { idleTimeoutMs: 1000, signal: new AbortController().signal }, (n) => seen.push(n))
    up.push(1)
    up.push(2)
    await vi.advanceTimersByTimeAsync(0)
    expect(seen).toEqual([1, 2])
    up.end()
    await done
    expect(up.controller.signal.aborted).toBe(false)
  })

  it('an upstream silent for idleTimeoutMs is dead: timeout_error, upstream aborted', async () => {
    const up = upstream()
    const done = readEvents(up.stream, { idleTimeoutMs: 1000, signal: new AbortController().signal }, () => {})
    const result = expect(done).rejects.toSatisfy((e) => GatewayError.isInstance(e) && e.type === 'timeout_error')
    await vi.advanceTimersByTimeAsync(600)
    up.push(1) // an event resets the clock
    await vi.advanceTimersByTimeAsync(999)
    expect(up.controller.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await result
    expect(up.controller.signal.aborted).toBe(true)
  })

  it('a client abort stops at once with StreamAbortedError, even while the upstream read is pending', async () => {
    const up = upstream()
    const client = new AbortController()
    const done = readEvents(up.stream, { idleTimeoutMs: 60_000, signal: client.signal }, () => {})
    await vi.advanceTimersByTimeAsync(10)
    client.abort()
    await expect(done).rejects.toSatisfy(StreamAbortedError.isInstance)
    expect(up.controller.signal.aborted).toBe(true)
  })
})
