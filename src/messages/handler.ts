import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { GatewayError } from '../errors.ts'
import { relayModelStream, streamAnthropicEvents } from '../stream/index.ts'
import { toUsage } from '../models/cost.ts'
import { classifyFailure, failureToGatewayError } from '../upstream/errors.ts'
import { prepareCountTokens, prepareMessages } from './prepare.ts'

/**
 * `POST /v1/messages`: Anthropic's Messages API, passed through after validation and admission
 * (docs/http.md#messages-passthrough). With `stream: true` the events are relayed as they arrive, with `ping`
 * heartbeats and an `event: error` when the upstream fails mid-stream.
 */
export async function messagesHandler(c: Context): Promise<Response> {
  const { model, params, stream, headers } = await prepareMessages(c)
  const upstream = c.get('upstream')
  const meter = c.get('meter')
  if (!stream) {
    const result = await upstream
      .message(params, { signal: c.req.raw.signal, meter, headers, pace: c.get('pace') })
      .catch((error: unknown) => {
        throw asAnthropicAnswers(error)
      })
    meter.record(result.model, toUsage(result.value.usage))
    return c.json(result.value)
  }
  const idleTimeoutMs = c.get('config').upstreamIdleTimeoutMs
  return streamAnthropicEvents(c, async (send, signal) => {
    const { value, model: answering } = await upstream.stream(params, { signal, meter, headers, pace: c.get('pace') })
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

/**
 * An upstream failure the gateway already retried (and fell back on), as Anthropic's own API would
 * answer it, so the SDKs' error classes fire (529 → `OverloadedError`) and `x-should-retry: false`
 * keeps their retries from stacking on ours (3 × 3 attempts, and a circuit breaker opened for all).
 */
function asAnthropicAnswers(error: unknown): unknown {
  if (!GatewayError.isInstance(error) || !RETRIED.has(error.type)) return error
  const status = (error.type === 'overloaded_error' ? 529 : error.status) as ContentfulStatusCode
  return new GatewayError(error.type, error.message, {
    status,
    headers: { ...error.headers, 'x-should-retry': 'false' },
    cause: error.cause,
  })
}

const RETRIED = new Set(['overloaded_error', 'upstream_error', 'timeout_error'])
