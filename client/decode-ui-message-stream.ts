import { EventSourceParserStream } from 'eventsource-parser/stream'
import { ChatError } from './chat-error.ts'
import { DONE, type Done, type UIMessageChunk } from './ui-message-chunk.ts'

/** Bound on one SSE event, so a broken server cannot grow the client's memory without limit. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024

/**
 * The SSE `id` each decoded part came with (a resumable stream numbers its parts from 0), for
 * `Last-Event-ID` when a dropped reply is resumed. Parts without an id are not in it.
 */
export const eventIds: WeakMap<object, string> = new WeakMap()

/**
 * Bytes of a UI message stream → its parts, in order. SSE comments (heartbeats) and events
 * without data are dropped; `data: [DONE]` becomes `DONE`. A frame that is not a JSON object
 * with a string `type` errors the stream with a `protocol_error`. A part's SSE `id` is in `eventIds`.
 */
export function decodeUIMessageStream(body: ReadableStream<Uint8Array>): ReadableStream<UIMessageChunk | Done> {
  return (
    body
      // The cast bridges lib.dom's and workers-types' differing TextDecoderStream input types.
      .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
      .pipeThrough(new EventSourceParserStream({ maxBufferSize: MAX_EVENT_CHARS }))
      .pipeThrough(
        new TransformStream<{ data: string; id?: string | undefined }, UIMessageChunk | Done>({
          transform(event, controller) {
            const chunk = parseFrame(event.data)
            if (!chunk) return
            if (event.id && chunk !== DONE) eventIds.set(chunk, event.id)
            controller.enqueue(chunk)
          },
        }),
      )
  )
}

/** One `data:` payload → a part, `DONE`, or undefined for an empty frame. */
export function parseFrame(data: string): UIMessageChunk | Done | undefined {
  const text = data.trim()
  if (text === '') return undefined
  if (text === '[DONE]') return DONE
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new ChatError({ type: 'protocol_error', message: 'The server sent a stream frame that is not JSON.', cause })
  }
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    throw new ChatError({ type: 'protocol_error', message: 'The server sent a stream frame without a type.' })
  }
  return value as UIMessageChunk
}
