import type { Context } from 'hono'
import { errorBody } from '../errors.ts'
import { anthropicFrame, KEEP_ALIVE_COMMENT, OPEN_COMMENT, PING_EVENT } from './frames.ts'
import { SSE_HEADERS } from './headers.ts'
import { consumeModelStream, type ModelStreamEvents, type ModelStreamOptions, type ModelStreamResult } from './model-stream.ts'
import { openStream } from './open-stream.ts'
import { StreamAbortedError } from './read-events.ts'
import { streamFailure } from './stream-failure.ts'

/** Sends one Anthropic stream event (`event:` line = `data.type`). */
export type SendEvent = (event: { type: string }) => void

/** Relays the events; resolves after `message_stop`, throws (GatewayError) when the stream failed. */
export type AnthropicStreamRun = (send: SendEvent, signal: AbortSignal) => Promise<void>

/**
 * Answers with an Anthropic Messages API event stream written by `run`, proxy-proof (docs/streaming.md):
 * a comment at once, then `ping` events as heartbeats once the message started (comments
 * before, since no client expects an event before `message_start`). When `run` fails the stream
 * ends with `event: error` carrying Anthropic's error shape, as the real API does mid-stream.
 */
export function streamAnthropicEvents(c: Context, run: AnthropicStreamRun): Response {
  const requestId = c.get('requestId')
  let started = false
  const stream = openStream(c, { open: OPEN_COMMENT, heartbeat: () => (started ? PING_EVENT : KEEP_ALIVE_COMMENT) })
  const send: SendEvent = (event) => {
    started = true
    stream.channel.write(anthropicFrame(event))
  }
  stream.run(async (signal) => {
    try {
      await run(send, signal)
      return signal.aborted ? 'aborted' : 'ok'
    } catch (err) {
      if (signal.aborted || StreamAbortedError.isInstance(err)) return 'aborted'
      const failure = streamFailure(err, c)
      send(errorBody(failure.type, failure.message, requestId))
      return failure.type
    }
  })
  return c.body(stream.channel.readable, 200, { ...SSE_HEADERS })
}

/** Relays one model call's events as they are (pings are ours), recording its usage in the meter. */
export function relayModelStream(stream: ModelStreamEvents, send: SendEvent, options: ModelStreamOptions): Promise<ModelStreamResult> {
  return consumeModelStream(stream, options, (event) => send(event))
}
