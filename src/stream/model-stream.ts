import type Anthropic from '@anthropic-ai/sdk'
import { GatewayError } from '../errors.ts'
import type { RequestMeter } from '../observability/meter.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import type { Usage } from '../models/cost.ts'
import { classifyFailure, failureToGatewayError } from '../upstream/errors.ts'
import { MessageAccumulator } from './message-accumulator.ts'
import { readEvents, StreamAbortedError } from './read-events.ts'

export type ModelStreamEvents = AsyncIterable<Anthropic.RawMessageStreamEvent> & { controller?: AbortController }

export interface ModelStreamOptions {
  /** The model that answered (`CallResult.model`): prices the usage. */
  model: ModelInfo
  /** The request's meter: the call's usage is recorded there, also when the stream is cut short. */
  meter: RequestMeter
  /** Milliseconds without an upstream event after which the call counts as dead (`config.upstreamIdleTimeoutMs`). */
  idleTimeoutMs: number
  /** Aborted when the client leaves. */
  signal: AbortSignal
}

export interface ModelStreamResult {
  /** The complete message, as `messages.create` would have returned it. */
  message: Anthropic.Message
  usage: Usage
  costUsd: number
}

/**
 * Reads one model call's event stream to its end, calling `onEvent` for each event, and returns
 * the assembled message. Usage is recorded in the meter exactly once: in full, or partially when
 * the stream fails or the client leaves. Throws StreamAbortedError when the client left, a
 * GatewayError naming the cause when the upstream failed, died (idle timeout) or ended early;
 * an error thrown by `onEvent` is rethrown unchanged.
 */
export async function consumeModelStream(
  stream: ModelStreamEvents,
  options: ModelStreamOptions,
  onEvent: (event: Anthropic.RawMessageStreamEvent, message: MessageAccumulator) => void,
): Promise<ModelStreamResult> {
  const { model, meter } = options
  const acc = new MessageAccumulator()
  let recorded: number | undefined
  const record = () => (recorded ??= acc.started ? meter.record(model, acc.usage()) : 0)
  let ownError: unknown
  try {
    await readEvents(stream, options, (event) => {
      acc.add(event)
      try {
        onEvent(event, acc)
      } catch (err) {
        ownError = err
        throw err
      }
    })
  } catch (err) {
    record()
    if (err === ownError || StreamAbortedError.isInstance(err) || GatewayError.isInstance(err)) throw err
    throw failureToGatewayError(classifyFailure(err), meter.modelsTried, err)
  }
  if (!acc.complete) {
    record()
    throw new GatewayError('upstream_error', 'The upstream stream ended before the reply was complete. Retry.')
  }
  const costUsd = record()
  return { message: acc.message!, usage: acc.usage(), costUsd }
}
