import { GatewayError } from '../errors.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import { localInputBound, type BoundableParams, type LocalBound } from './input-bound.ts'

/**
 * Anthropic's count_tokens is documented as an estimate: a bound taken from it gets this margin
 * (and `COUNT_TOKENS_SLACK` tokens) on top.
 */
export const COUNT_TOKENS_MARGIN = 1.2
export const COUNT_TOKENS_SLACK = 64

/** Above this local bound, count_tokens is asked too and the smaller of the two bounds is used. */
export const COUNT_TOKENS_ABOVE = 32_000

/** Counts a request's input tokens with Anthropic's count_tokens (free, rate-limited separately). */
export type CountTokens = (params: BoundableParams & { model: string }) => Promise<number>

export interface InputBound extends LocalBound {
  /** Whether count_tokens was asked. */
  counted: boolean
}

/**
 * The input-token bound of a request for `model`: the local bound (see input-bound.ts), or for
 * content the gateway cannot measure (PDFs, URL and file documents) and for large requests,
 * count_tokens × margin. Without a way to count, opaque content is refused (400 naming it).
 */
export async function boundInputTokens(params: BoundableParams, model: ModelInfo, count?: CountTokens): Promise<InputBound> {
  const local = localInputBound(params, model)
  const opaque = local.opaque.length > 0
  if (!count || (!opaque && local.tokens <= COUNT_TOKENS_ABOVE)) {
    if (opaque) throw unmeasurable(local.opaque)
    return { ...local, counted: false }
  }
  let counted: number
  try {
    counted = await count({ ...params, model: model.id })
  } catch (error) {
    // A large text-only request keeps its local bound; opaque content cannot be bounded now.
    if (!opaque) return { ...local, counted: false }
    throw new GatewayError(
      'overloaded_error',
      `The size of ${local.opaque.join(', ')} cannot be checked right now (count_tokens failed), so its cost cannot be bounded. Retry shortly.`,
      { cause: error, headers: { 'Retry-After': '5' } },
    )
  }
  const fromCount = Math.ceil(counted * COUNT_TOKENS_MARGIN) + COUNT_TOKENS_SLACK
  return { ...local, tokens: opaque ? fromCount : Math.min(local.tokens, fromCount), counted: true }
}

function unmeasurable(what: string[]): GatewayError {
  return new GatewayError(
    'invalid_request_error',
    `Invalid request: the cost of ${what.join(', ')} cannot be bounded before the call (a PDF's pages, or a document the gateway cannot see). Send the text instead.`,
  )
}
