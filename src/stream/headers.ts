/**
 * Response headers of every SSE stream (docs/streaming.md): no caching or transformation on the way, and
 * `x-accel-buffering: no` so nginx (and proxies that honour it) pass each write through at once.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
})

/** Headers of the AI SDK UI message stream (protocol v1), as `useChat`'s transport expects. */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...SSE_HEADERS,
  'x-vercel-ai-ui-message-stream': 'v1',
})
