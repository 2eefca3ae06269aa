import type { Identity } from '../auth/identity.ts'

export interface CappedMaxTokens {
  maxTokens: number
  /** Set when the caller's own value was lowered, for the response's warnings. */
  warning?: string
}

/**
 * Applies the caller's `max_tokens` cap (a key's or session token's `max_tokens`). A larger
 * value is clamped, not refused: the reply is shorter, `stop_reason` says `max_tokens`, and
 * the warning says why.
 */
export function capMaxTokens(requested: number, identity: Identity, explicit: boolean): CappedMaxTokens {
  const cap = identity.maxTokens
  if (cap === undefined || requested <= cap) return { maxTokens: requested }
  return explicit
    ? { maxTokens: cap, warning: `max_tokens was lowered from ${requested} to ${cap}, the most this caller may ask for` }
    : { maxTokens: cap }
}
