import type { ChatRequest } from '../chat/request.ts'
import type { Config } from '../config.ts'
import { estimateInputTokens as estimatePrompt } from '../context/estimate-tokens.ts'
import type { ModelInfo } from '../upstream/catalogue.ts'
import { costOf } from '../upstream/cost.ts'

/**
 * Input tokens of a chat request, estimated before the call with the context module's rules
 * (per tokenizer family of the catalogue). Taken from the token limit, then corrected with the
 * usage Anthropic reports.
 */
export function estimateInputTokens(req: ChatRequest, model: ModelInfo = req.model): number {
  return estimatePrompt({ system: req.system, messages: req.messages, tools: req.tools?.definitions ?? req.clientTools }, model)
}

/**
 * Budget reservations count input at 1.25× the estimate: the estimate is close for prose but low
 * for code, JSON and non-Latin text, and an under-reservation is the only way to overspend.
 */
export const RESERVE_INPUT_MARGIN = 1.25

/**
 * The most ONE model call of this request can cost, in USD: input (estimate × margin) billed at
 * the dearer of the input and cache-write prices (prompt caching may write the whole prompt),
 * plus `max_tokens` of output, at the requested model or any fallback model, whichever is dearest.
 * A tool loop reserves this once, for its first step; see README "Limits and budgets".
 */
export function worstCaseCostUsd(req: ChatRequest, config: Config, estimate: (req: ChatRequest, model: ModelInfo) => number = estimateInputTokens): number {
  const candidates = new Set([req.model, ...config.fallbackModels.map((id) => config.catalogue.get(id)).filter((m): m is ModelInfo => !!m)])
  let worst = 0
  for (const model of candidates) {
    const input = Math.ceil(estimate(req, model) * RESERVE_INPUT_MARGIN)
    const output = Math.min(req.maxTokens, model.maxOutput)
    const asInput = costOf(model, { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 })
    const asCacheWrite = config.promptCaching
      ? costOf(model, { input_tokens: 0, output_tokens: output, cache_creation_input_tokens: input, cache_read_input_tokens: 0 })
      : 0
    worst = Math.max(worst, asInput, asCacheWrite)
  }
  return worst
}
