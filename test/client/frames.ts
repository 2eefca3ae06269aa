/** Test helpers: UI message stream frames and a response body the test controls. */

export const sse = (part: unknown): string => `data: ${JSON.stringify(part)}\n\n`
export const DONE_FRAME = 'data: [DONE]\n\n'

export const metadata = {
  model: 'claude-sonnet-5-5',
  stop_reason: 'end_turn',
  usage: { input_tokens: 12, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 3 },
  cost_usd: 0.000074,
  request_id: 'req_1',
}

/** A complete, valid reply whose text is `Hello world`. */
export const helloFrames = [
  sse({ type: 'start', messageId: 'msg_1' }),
  sse({ type: 'start-step' }),
  sse({ type: 'text-start', id: 't1' }),
  sse({ type: 'text-delta', id: 't1', delta: 'Hello' }),
  ': ping\n\n',
  sse({ type: 'text-delta', id: 't1', delta: ' world' }),
  sse({ type: 'text-end', id: 't1' }),
  sse({ type: 'finish-step' }),
  sse({ type: 'finish', finishReason: 'stop', messageMetadata: metadata }),
  DONE_FRAME,
]

/** A body the test writes to step by step; `cancelled` resolves when the reader cancels it. */
export function controlledBody() {
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let onCancel!: (reason: unknown) => void
  const cancelled = new Promise<unknown>((resolve) => (onCancel = resolve))
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c
    },
    cancel: (reason) => onCancel(reason),
  })
  return {
    stream,
    cancelled,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: (error: unknown) => controller.error(error),
  }
}

export function streamResponse(body: ReadableStream<Uint8Array> | string): Response {
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-vercel-ai-ui-message-stream': 'v1' },
  })
}

/** Collects every part of `stream`. */
export async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return out
    out.push(value)
  }
}

/** A byte stream that delivers `text` in the given pieces. */
export function bytesIn(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece))
      controller.close()
    },
  })
}
