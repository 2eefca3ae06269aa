import type { Usage } from '../wire/usage.ts'
import type { ModelInfo, PriceTier } from './catalogue.ts'

export type { Usage } from '../wire/usage.ts'

export const ZERO_USAGE: Usage = Object.freeze({
  input_tokens: 0,
  output_tokens: 0,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
})

/** Normalises an SDK usage object (nulls, missing fields) into our Usage. */
export function toUsage(raw: Partial<Record<keyof Usage, unknown>> | null | undefined): Usage {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
  const usage: Usage = {
    input_tokens: n(raw?.input_tokens),
    output_tokens: n(raw?.output_tokens),
    cache_creation_input_tokens: n(raw?.cache_creation_input_tokens),
    cache_read_input_tokens: n(raw?.cache_read_input_tokens),
  }
  const split = raw?.cache_creation as Usage['cache_creation']
  if (split && typeof split === 'object') usage.cache_creation = split
  return usage
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
  }
}

/** The price tier of one call: long-context prices apply to the whole call above the threshold. */
export function tierFor(model: ModelInfo, promptTokens: number): PriceTier {
  const { long } = model.pricing
  return long && promptTokens > long.aboveInputTokens ? long : model.pricing
}

/** USD cost of one model call, rounded to a billionth of a dollar (cheap models cost 1e-7 per token). */
export function costOf(model: ModelInfo, usage: Usage): number {
  const prompt = usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens
  const price = tierFor(model, prompt)
  const write1h = usage.cache_creation?.ephemeral_1h_input_tokens ?? 0
  const write5m = usage.cache_creation_input_tokens - write1h
  const micro =
    usage.input_tokens * price.input +
    write5m * price.cacheWrite +
    write1h * price.cacheWrite1h +
    usage.cache_read_input_tokens * price.cacheRead +
    usage.output_tokens * price.output
  return roundUsd(micro / 1_000_000)
}

export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9
}
