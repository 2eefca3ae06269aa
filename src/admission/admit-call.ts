import type { Context } from 'hono'
import { estimateInputTokens } from '../context/estimate-tokens.ts'
import { GatewayError } from '../errors.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import type { Reservation, UpstreamCall } from './admission.ts'

/**
 * For the routes that send a caller's request as it is (`/v1/messages`, `/v1/chat/completions`):
 * MAX_INPUT_TOKENS (413 with the numbers; these routes never trim), then the admission of the
 * whole call as it will be sent.
 */
export async function admitCall(c: Context, call: UpstreamCall, model: ModelInfo): Promise<Reservation> {
  const estimatedTokens = estimateInputTokens(call.params, model)
  const { maxInputTokens } = c.get('config')
  if (estimatedTokens > maxInputTokens) {
    throw new GatewayError(
      'request_too_large',
      `This request's input is about ${estimatedTokens} tokens, above MAX_INPUT_TOKENS (${maxInputTokens}). Send less: shorten the conversation, the system prompt or the tool definitions.`,
    )
  }
  return c.get('admission')(c, { call, estimatedTokens })
}
