import type { ChatRequest } from '../chat/request.ts'
import type { Config } from '../config.ts'
import type { ModelInfo } from '../upstream/catalogue.ts'
import { costOf } from '../upstream/cost.ts'

/** Characters per token of the classic tokenizer; the v2 tokenizer counts ~30 % more tokens. */
const CHARS_PER_TOKEN = { classic: 3.5, v2: 3.5 / 1.3 } as const
/** What one image or document block is counted as, whatever its size (a deliberate overestimate for small ones). */
const TOKENS_PER_MEDIA_BLOCK = 1600

/**
 * A quick, slightly generous estimate of a request's input tokens: JSON characters divided by
 * the model's tokenizer ratio, with media blocks at a fixed count. It is only used to take from
 * the token limit and reserve a budget before the call; both are corrected with the real usage.
 */
export function estimateInputTokens(req: ChatRequest, model: ModelInfo = req.model): number {
  let chars = 0
  let media = 0
  const visit = (value: unknown): void => {
    if (typeof value === 'string') chars += value.length
    else if (Array.isArray(value)) value.forEach(visit)
    else if (value && typeof value === 'object') {
      const block = value as Record<string, unknown>
      if ((block.type === 'image' || block.type === 'document') && typeof block.source === 'object') {
        media++
        return
      }
      for (const [key, v] of Object.entries(block)) {
        chars += key.length + 4
        visit(v)
      }
    }
  }
  visit(req.system)
  visit(req.messages)
  visit(req.clientTools)
  // Per-message framing the API adds (role markers and the like).
  const framing = 4 * req.messages.length + 8
  return Math.ceil(chars / CHARS_PER_TOKEN[model.tokenizer]) + media * TOKENS_PER_MEDIA_BLOCK + framing
}

/**
 * The most one model call of this request can cost, in USD: every input token billed at the
 * dearer of the input and cache-write prices (prompt caching may write the whole prompt), plus
 * `max_tokens` of output, at the requested model or any fallback model, whichever is dearest.
 */
export function worstCaseCostUsd(req: ChatRequest, config: Config, estimate: (req: ChatRequest, model: ModelInfo) => number = estimateInputTokens): number {
  const candidates = [req.model, ...config.fallbackModels.map((id) => config.catalogue.get(id)).filter((m): m is ModelInfo => !!m)]
  let worst = 0
  for (const model of candidates) {
    const inputTokens = estimate(req, model)
    const output = Math.min(req.maxTokens, model.maxOutput)
    const asInput = costOf(model, { input_tokens: inputTokens, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 })
    const asCacheWrite = config.promptCaching
      ? costOf(model, { input_tokens: 0, output_tokens: output, cache_creation_input_tokens: inputTokens, cache_read_input_tokens: 0 })
      : 0
    worst = Math.max(worst, asInput, asCacheWrite)
  }
  return worst
}
