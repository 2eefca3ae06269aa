import { EventSourceParserStream } from 'eventsource-parser/stream'

/** One recorded part of a UI message stream: its index (the SSE `id`) and its `data`. */
export interface RecordedPart {
  index: number
  data: string
}

/** Where a generation's parts are kept while it runs and shortly after (Durable Object storage). */
export interface PartSink {
  /** Parts `from…` were recorded (called in order, batched). */
  save(parts: RecordedPart[]): Promise<void>
}

/** The `data` of the UI stream's last frame. */
export const DONE_DATA = '[DONE]'

/**
 * The parts of one generation as they arrive, for every connection that reads it: a reader
 * starts at any index (0 for a new request, `Last-Event-ID + 1` for a resume) and gets the
 * recorded parts, then the rest live, then the end. Comments and heartbeats are not recorded
 * (each connection gets its own). The generation runs once, whoever reads it.
 */
export class Generation {
  readonly parts: string[] = []
  #ended = false
  #wake: (() => void)[] = []
  #pending: RecordedPart[] = []
  #flushing: Promise<void> = Promise.resolve()

  constructor(
    private readonly sink: PartSink,
    recorded: string[] = [],
    ended = false,
  ) {
    this.parts.push(...recorded)
    this.#ended = ended
  }

  get ended(): boolean {
    return this.#ended
  }

  /** Records the data parts of an SSE body until it ends; then `end()`. Resolves when all is saved. */
  async record(body: ReadableStream<Uint8Array>): Promise<void> {
    const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream())
    try {
      for await (const event of events) if (event.data) this.push(event.data)
    } finally {
      this.end()
      await this.flushed()
    }
  }

  push(data: string): void {
    if (this.#ended) return
    const index = this.parts.push(data) - 1
    this.#pending.push({ index, data })
    this.#flush()
    this.#notify()
  }

  /** No more parts: a stream that stopped without `[DONE]` gets an `abort` part and `[DONE]` first. */
  end(reason = 'The reply was stopped.'): void {
    if (this.#ended) return
    if (this.parts.at(-1) !== DONE_DATA) {
      this.push(JSON.stringify({ type: 'abort', reason }))
      this.push(DONE_DATA)
    }
    this.#ended = true
    this.#notify()
  }

  /** Ends an interrupted generation with an explicit error part (what was recorded stays). */
  fail(errorText: string): void {
    if (this.#ended) return
    if (this.parts.at(-1) !== DONE_DATA) {
      this.push(JSON.stringify({ type: 'error', errorText }))
      this.push(JSON.stringify({ type: 'finish', finishReason: 'error' }))
      this.push(DONE_DATA)
    }
    this.#ended = true
    this.#notify()
  }

  /** The recorded parts from `from`, then the live ones, until the end (or `signal`). */
  async *read(from: number, signal?: AbortSignal): AsyncGenerator<RecordedPart> {
    let index = Math.max(0, from)
    for (;;) {
      while (index < this.parts.length) {
        yield { index, data: this.parts[index]! }
        index++
      }
      if (this.#ended || signal?.aborted) return
      await new Promise<void>((resolve) => {
        this.#wake.push(resolve)
        signal?.addEventListener('abort', () => resolve(), { once: true })
      })
    }
  }

  /** Resolves once every recorded part is saved. */
  flushed(): Promise<void> {
    return this.#flushing
  }

  #flush(): void {
    // Parts arriving while a save runs go into the next one: one write per batch, in order.
    this.#flushing = this.#flushing.then(async () => {
      const batch = this.#pending.splice(0)
      if (batch.length) await this.sink.save(batch)
    })
  }

  #notify(): void {
    for (const wake of this.#wake.splice(0)) wake()
  }
}

/** An SSE response that reads `generation` from `from`: each part with its index as `id`, heartbeats while idle. */
export function generationResponse(generation: Generation, from: number, heartbeatMs: number, headers: HeadersInit): Response {
  const encoder = new TextEncoder()
  const stop = new AbortController()
  let heartbeat: ReturnType<typeof setInterval> | undefined
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(': resumable\n\n'))
      heartbeat = setInterval(() => controller.enqueue(encoder.encode(': keep-alive\n\n')), heartbeatMs)
      try {
        for await (const part of generation.read(from, stop.signal)) {
          controller.enqueue(encoder.encode(`id: ${part.index}\ndata: ${part.data}\n\n`))
        }
        controller.close()
      } catch (error) {
        controller.error(error)
      } finally {
        clearInterval(heartbeat)
      }
    },
    // The client left: only this connection stops; the generation goes on.
    cancel() {
      clearInterval(heartbeat)
      stop.abort()
    },
  })
  return new Response(body, { status: 200, headers })
}
