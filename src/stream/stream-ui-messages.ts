import type { Context } from 'hono'
import { KEEP_ALIVE_COMMENT, OPEN_COMMENT, UI_DONE, uiFrame } from './frames.ts'
import { UI_MESSAGE_STREAM_HEADERS } from './headers.ts'
import { openStream } from './open-stream.ts'
import { StreamAbortedError } from './read-events.ts'
import { streamFailure, type StreamFailure } from './stream-failure.ts'
import { UIStreamWriter } from './ui-stream-writer.ts'
import type { ChatStreamMetadata, UIFinishReason } from '../wire/index.ts'

/** What a finished run reports; the rest of the finish metadata comes from the request's meter. */
export interface UIStreamOutcome {
  /** The model that wrote the final answer. */
  model: string
  /** Anthropic `stop_reason` of the last model call. */
  stopReason: string | null
  /** Structured output: the answer parsed and checked, written into the finish metadata. */
  object?: unknown
}

/** Writes the message; resolves when it is complete, throws (GatewayError) when it failed. */
export type UIStreamRun = (writer: UIStreamWriter, signal: AbortSignal) => Promise<UIStreamOutcome>

export interface StreamUIMessagesOptions {
  /** Reported in the finish metadata as `warnings`. Default: none. */
  warnings?: string[]
}

const FINISH_REASONS: Record<string, UIFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'other',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
}

/**
 * Answers with an AI SDK UI message stream (protocol v1) written by `run`, proxy-proof (docs/streaming.md):
 * the response starts at once with a comment, heartbeats keep idle connections open, a client
 * that leaves aborts `signal`. Whatever happens, the stream ends with `finish` (usage, cost,
 * model, stop_reason, request_id, models_tried) and `[DONE]`, after an `error` part naming the
 * cause when `run` failed — unless the client left, then nothing more is written. The meter is
 * finished when the stream closes.
 *
 * @example
 * app.post('/chat', async (c) => streamUIMessages(c, async (writer, signal) => {
 *   const { value, model } = await c.get('upstream').stream(params, { signal, meter: c.get('meter'), pace: c.get('pace') })
 *   writer.startStep()
 *   const { message } = await pipeModelStream(value, writer, { model, meter: c.get('meter'), signal, idleTimeoutMs })
 *   return { model: message.model, stopReason: message.stop_reason }
 * }))
 */
export function streamUIMessages(c: Context, run: UIStreamRun, options: StreamUIMessagesOptions = {}): Response {
  const { warnings = [] } = options
  const meter = c.get('meter')
  const requestId = c.get('requestId')
  const stream = openStream(c, { open: OPEN_COMMENT, heartbeat: () => KEEP_ALIVE_COMMENT })
  const writer = new UIStreamWriter((part) => stream.channel.write(uiFrame(part)))

  stream.run(async (signal) => {
    let outcome: UIStreamOutcome | undefined
    let failure: StreamFailure | undefined
    try {
      outcome = await run(writer, signal)
    } catch (err) {
      if (signal.aborted || StreamAbortedError.isInstance(err)) return 'aborted'
      failure = streamFailure(err, c)
      writer.error(failure.type, failure.message)
    }
    if (signal.aborted) return 'aborted'
    const metadata: ChatStreamMetadata = {
      model: outcome?.model ?? null,
      stop_reason: outcome?.stopReason ?? null,
      usage: meter.usage,
      cost_usd: meter.costUsd,
      request_id: requestId,
      models_tried: [...meter.modelsTried],
      ...(warnings.length && { warnings }),
      ...(outcome?.object !== undefined && { object: outcome.object }),
      ...(failure && { error: failure }),
    }
    writer.finish(failure ? 'error' : (FINISH_REASONS[outcome?.stopReason ?? ''] ?? 'other'), metadata)
    stream.channel.write(UI_DONE)
    return failure?.type ?? 'ok'
  })
  return c.body(stream.channel.readable, 200, { ...UI_MESSAGE_STREAM_HEADERS })
}
