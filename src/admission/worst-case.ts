import type { ModelInfo } from '../models/catalogue.ts'
import { tierFor } from '../models/cost.ts'
import type { InputBound } from './count-bound.ts'

/**
 * The most one model call can be billed, in USD, given its input bound: every input token at the
 * dearest price it can be billed at (plain input, a 5-minute cache write when the gateway or the
 * caller may cache, the 1-hour write when a `cache_control` asks for it), in the price tier the
 * bound falls in, plus `maxTokens` of output (thinking included: Anthropic counts it within
 * `max_tokens`).
 */
export function callCostBoundUsd(model: ModelInfo, input: InputBound, maxTokens: number, caching: boolean): number {
  const tier = tierFor(model, input.tokens)
  const perInput = Math.max(tier.input, caching || input.cacheControl ? tier.cacheWrite : 0, input.oneHourCache ? tier.cacheWrite1h : 0)
  return (input.tokens * perInput + maxTokens * tier.output) / 1_000_000
}
