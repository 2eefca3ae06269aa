import { hash53 } from './hash.ts'
import { TOKEN_COSTS, type PromptSegment } from './tokens.ts'
import type { InputUsage } from './usage.ts'

/**
 * Prompt caching as the simulator models it: each `cache_control` breakpoint (and the top-level
 * `cache_control`, which marks the last block) names the prefix up to and including its block.
 * The longest breakpoint prefix seen before (same model, same blocks) is read from the cache;
 * the part after it up to the last breakpoint is written (1-hour or 5-minute by the breakpoint's
 * `ttl`). Prefixes shorter than the model's minimum are not cached, like the real API. Bounded (LRU).
 */
export class PromptCache {
  readonly #seen = new Map<string, true>()
  readonly maxEntries: number
  constructor(maxEntries = 1000) {
    this.maxEntries = maxEntries
  }

  /** The usage of a request, and its breakpoints remembered for later requests. */
  usage(model: string, segments: PromptSegment[], minTokens: number, topLevel?: { ttl?: string } | null): InputUsage {
    const { usage, keys } = this.#plan(model, segments, minTokens, topLevel)
    for (const key of keys) this.#remember(key)
    return usage
  }

  /** The usage `usage` would report, remembering nothing (the rate limiter's view before admitting). */
  peek(model: string, segments: PromptSegment[], minTokens: number, topLevel?: { ttl?: string } | null): InputUsage {
    return this.#plan(model, segments, minTokens, topLevel).usage
  }

  #plan(
    model: string,
    segments: PromptSegment[],
    minTokens: number,
    topLevel?: { ttl?: string } | null,
  ): { usage: InputUsage; keys: string[] } {
    let cum = TOKEN_COSTS.request
    let chain = model
    const points: { key: string; end: number; ttl: string | undefined }[] = []
    segments.forEach((s, i) => {
      cum += s.tokens
      chain = String(hash53(`${chain}\u0001${s.key}`))
      const cc = s.cacheControl ?? (i === segments.length - 1 && topLevel ? topLevel : undefined)
      if (cc && cum >= minTokens) points.push({ key: chain, end: cum, ttl: cc.ttl })
    })
    const total = cum
    let read = 0
    for (const p of points) if (this.#seen.has(p.key)) read = p.end
    let written5m = 0
    let written1h = 0
    let from = read
    for (const p of points) {
      if (p.end <= from) continue
      if (p.ttl === '1h') written1h += p.end - from
      else written5m += p.end - from
      from = p.end
    }
    const creation = written5m + written1h
    const usage = {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: written5m, ephemeral_1h_input_tokens: written1h },
    }
    return { usage, keys: points.map((p) => p.key) }
  }

  clear() {
    this.#seen.clear()
  }

  #remember(key: string) {
    this.#seen.delete(key)
    this.#seen.set(key, true)
    if (this.#seen.size > this.maxEntries) this.#seen.delete(this.#seen.keys().next().value!)
  }
}
