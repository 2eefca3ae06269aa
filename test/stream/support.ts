import { createParser } from 'eventsource-parser'

/** One SSE frame as a client sees it: a comment line, or an event with its data. */
export type Frame = { kind: 'comment'; text: string } | { kind: 'event'; event: string | undefined; data: string }

/**
 * Reads an SSE response frame by frame, as bytes arrive (eventsource-parser, the parser our
 * browser client uses). `next()` waits for the next frame; `null` when the body ended.
 */
export function frameReader(res: Response) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const queue: Frame[] = []
  let ended = false
  /** Raw chunks in arrival order, to check what was written and when. */
  const chunks: string[] = []
  const parser = createParser({
    onEvent: (e) => queue.push({ kind: 'event', event: e.event, data: e.data }),
    onComment: (text) => queue.push({ kind: 'comment', text: text.trim() }),
  })
  return {
    chunks,
    async next(): Promise<Frame | null> {
      while (!queue.length) {
        if (ended) return null
        const { value, done } = await reader.read()
        if (done) {
          ended = true
          continue
        }
        const text = decoder.decode(value, { stream: true })
        chunks.push(text)
        parser.feed(text)
      }
      return queue.shift()!
    },
    /** The next frame that is not a comment. */
    async nextEvent(): Promise<Frame & { kind: 'event' }> {
      for (;;) {
        const frame = await this.next()
        if (!frame) throw new Error('the stream ended')
        if (frame.kind === 'event') return frame
      }
    },
    async all(): Promise<Frame[]> {
      const frames: Frame[] = []
      for (let f = await this.next(); f; f = await this.next()) frames.push(f)
      return frames
    },
    cancel: () => reader.cancel(),
  }
}

/** The JSON parts of a UI message stream (`[DONE]` kept as the string). */
export function uiParts(frames: Frame[]): any[] {
  return frames.filter((f) => f.kind === 'event').map((f) => (f.data === '[DONE]' ? '[DONE]' : JSON.parse(f.data)))
}

/**
 * A sleep for the simulator that waits until the test releases it: the test decides when each
 * delayed event is generated, so ordering assertions need no real time. Rejects on abort.
 */
export function gatedSleep() {
  const waiting: { resolve: () => void }[] = []
  const arrivals: (() => void)[] = []
  let calls = 0
  const sleep = (_ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      calls++
      if (signal?.aborted) return reject(signal.reason)
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
      waiting.push({ resolve })
      arrivals.shift()?.()
    })
  return {
    sleep,
    get calls() {
      return calls
    },
    /** Waits until the simulator is sleeping, then lets it go on. */
    async release(): Promise<void> {
      await this.untilSleeping()
      waiting.shift()!.resolve()
    },
    /** Resolves once the simulator is sleeping (without releasing it). */
    async untilSleeping(): Promise<void> {
      if (!waiting.length) await new Promise<void>((r) => arrivals.push(r))
    },
    /** The simulator is sleeping now. */
    get sleeping(): boolean {
      return waiting.length > 0
    },
  }
}

/** Waits for microtasks and queued I/O callbacks to run (no timers involved). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0))
}
