import type { Context } from 'hono'
import {
  consumeModelStream,
  KEEP_ALIVE_COMMENT,
  OPEN_COMMENT,
  openStream,
  SSE_HEADERS,
  StreamAbortedError,
  streamFailure,
} from '../stream/index.ts'
import { CompletionChunks } from './completion-chunks.ts'
import { openAIErrorBody } from './errors.ts'
import { chunkFrame, DONE_FRAME, errorFrame } from './frames.ts'
import type { PreparedCompletion } from './prepare.ts'

/**
 * Answers with OpenAI's chunk stream, proxy-proof like the other streams (docs/streaming.md): a comment at
 * once and comments as heartbeats (OpenAI's SDKs skip them; a JSON heartbeat would be a chunk),
 * retries and fallbacks before the first chunk, the upstream call cancelled when the client
 * leaves. A complete reply ends with `finish_reason`, the usage chunk if asked for, and `[DONE]`;
 * a failure ends with an `{"error": …}` frame and no `[DONE]`. Usage is recorded on the meter
 * (partially when cut short), which the stream finishes when it closes.
 */
export function streamCompletion(c: Context, prepared: PreparedCompletion): Response {
  const requestId = c.get('requestId')
  const meter = c.get('meter')
  const upstream = c.get('upstream')
  const idleTimeoutMs = c.get('config').upstreamIdleTimeoutMs
  const stream = openStream(c, { open: OPEN_COMMENT, heartbeat: () => KEEP_ALIVE_COMMENT })
  stream.run(async (signal) => {
    try {
      const { value, model } = await upstream.stream(prepared.params, { signal, meter, pace: c.get('pace') })
      const chunks = new CompletionChunks((chunk) => stream.channel.write(chunkFrame(chunk)), {
        model: model.id,
        includeUsage: prepared.includeUsage,
      })
      const { message, usage } = await consumeModelStream(value, { model, meter, signal, idleTimeoutMs }, (event) => chunks.add(event))
      chunks.finish(message.stop_reason, usage)
      stream.channel.write(DONE_FRAME)
      return 'ok'
    } catch (err) {
      if (signal.aborted || StreamAbortedError.isInstance(err)) return 'aborted'
      const failure = streamFailure(err, c)
      stream.channel.write(errorFrame(openAIErrorBody(failure.type, failure.message, requestId)))
      return failure.type
    }
  })
  return c.body(stream.channel.readable, 200, { ...SSE_HEADERS })
}
