import type { Context } from 'hono'
import { relayModelStream, streamAnthropicEvents } from '../stream/index.ts'
import { toUsage } from '../upstream/cost.ts'
import { classifyFailure, failureToGatewayError } from '../upstream/errors.ts'
import { prepareCountTokens, prepareMessages } from './prepare.ts'

/**
 * `POST /v1/messages`: Anthropic's Messages API, passed through after validation and admission
 * (SPEC §1.5). With `stream: true` the events are relayed as they arrive, with `ping`
 * heartbeats and an `event: error` when the upstream fails mid-stream.
 */
export async function messagesHandler(c: Context): Promise<Response> {
  const { model, params, stream, headers } = await prepareMessages(c)
  const upstream = c.get('upstream')
  const meter = c.get('meter')
  if (!stream) {
    const result = await upstream.message(params, { signal: c.req.raw.signal, meter, headers })
    meter.record(result.model, toUsage(result.value.usage))
    return c.json(result.value)
  }
  const idleTimeoutMs = c.get('config').upstreamIdleTimeoutMs
  return streamAnthropicEvents(c, async (send, signal) => {
    const { value, model: answering } = await upstream.stream(params, { signal, meter, headers })
    await relayModelStream(value, send, { model: answering ?? model, meter, signal, idleTimeoutMs })
  })
}

/** `POST /v1/messages/count_tokens`: passed through once the model is allowed. */
export async function countTokensHandler(c: Context): Promise<Response> {
  const { params, headers } = await prepareCountTokens(c)
  try {
    const counted = await c.get('upstream').client.messages.countTokens(params, { headers, signal: c.req.raw.signal })
    return c.json(counted)
  } catch (err) {
    throw failureToGatewayError(classifyFailure(err), [params.model], err)
  }
}
