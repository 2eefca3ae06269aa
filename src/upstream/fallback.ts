import type { Config } from '../config.ts'
import { estimateInputTokens } from '../context/estimate-tokens.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import type { MessageParams } from './params.ts'
import { applyPromptCaching } from './prompt-caching.ts'

/**
 * The models a call may try, in order: the requested one, then `FALLBACK_MODELS`. When the
 * requested model is itself in that list only the models after it follow (smart → balanced →
 * fast never climbs back to a dearer model); otherwise the whole list. Narrowed to `allowed`.
 */
export function fallbackChain(
  primary: ModelInfo,
  config: Pick<Config, 'catalogue' | 'fallbackModels'>,
  allowed: readonly string[],
): ModelInfo[] {
  const list = config.fallbackModels
  const at = list.indexOf(primary.id)
  const rest = at === -1 ? list : list.slice(at + 1)
  const chain = [primary]
  for (const id of rest) {
    const model = config.catalogue.get(id)
    if (model && allowed.includes(id) && !chain.includes(model)) chain.push(model)
  }
  return chain
}

const FORCED = new Set(['any', 'tool'])

/**
 * The params for one model of the chain, or undefined when that fallback model cannot serve the
 * request (forced tool use on a model that refuses it, a prompt above its context window).
 * Fallback models also lose sampling parameters they would reject and have `max_tokens`
 * clamped to their limit; the requested model gets the params as the caller built them.
 * Prompt caching breakpoints are placed for the model's own minimum cacheable length.
 */
export function paramsForModel(params: MessageParams, model: ModelInfo, primary: boolean, caching: boolean): MessageParams | undefined {
  let p: MessageParams = params
  if (!primary) {
    if (model.rejectsForcedToolUse && params.tool_choice && FORCED.has(params.tool_choice.type)) return undefined
    if (estimateInputTokens(params, model) + Math.min(params.max_tokens, model.maxOutput) > model.contextWindow) return undefined
    p = { ...params, model: model.id, max_tokens: Math.min(params.max_tokens, model.maxOutput) }
    if (model.samplingFixed) {
      delete p.temperature
      delete p.top_p
      delete p.top_k
    }
  }
  return caching ? applyPromptCaching(p, model) : p
}
