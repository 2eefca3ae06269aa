import type { Identity } from '../auth/identity.ts'
import type { Config } from '../config.ts'
import { fallbackChain } from '../upstream/fallback.ts'
import { allowedModels } from '../models/resolve-model.ts'
import type { UpstreamCall } from './admission.ts'
import { boundInputTokens, type CountTokens } from './count-bound.ts'
import { checkPassthrough } from './passthrough.ts'
import { callCostBoundUsd } from './worst-case.ts'

export interface CallBound {
  /** The most the call can be billed, in USD, on the requested model or any fallback it may take. */
  costUsd: number
  /** The input-token bound on the requested model. */
  inputTokens: number
  /** count_tokens was asked (content the gateway cannot measure, or a large request). */
  counted: boolean
}

export interface BoundCallOptions {
  config: Config
  identity: Identity
  /** Anthropic's count_tokens, for content the gateway cannot measure. */
  count?: CountTokens
}

/**
 * The admission contract's price of one upstream call (docs/limits-and-budgets.md#the-guarantee): passthrough fields checked
 * (refused unless the credential allows them), then, for the requested model and every fallback
 * the caller may reach, the input bound priced at its dearest input rate, `max_tokens` of output
 * and any server-tool fees. The dearest model wins.
 */
export async function boundCall(call: UpstreamCall, options: BoundCallOptions): Promise<CallBound> {
  const { config, identity, count } = options
  const { params } = call
  const extra = checkPassthrough(params as unknown as Record<string, unknown>, call.betas, identity.allow)
  const primary = config.catalogue.get(params.model)
  if (!primary) throw new Error(`boundCall: unknown model ${params.model}`)
  const chain = fallbackChain(primary, config, allowedModels(config, identity))
  const bounds = await Promise.all(chain.map(async (model) => ({ model, input: await boundInputTokens(params, model, count) })))
  let costUsd = 0
  for (const { model, input } of bounds) {
    const withTools = { ...input, tokens: input.tokens + extra.extraInputTokens }
    costUsd = Math.max(costUsd, callCostBoundUsd(model, withTools, params.max_tokens, config.promptCaching) + extra.feesUsd)
  }
  return { costUsd, inputTokens: bounds[0]!.input.tokens + extra.extraInputTokens, counted: bounds.some((b) => b.input.counted) }
}
