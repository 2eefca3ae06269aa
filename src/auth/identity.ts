/** Who a request counts against: limits, budgets and logs are keyed by `id`. */
export interface Identity {
  kind: 'key' | 'session' | 'anonymous'
  /** Stable id: `key:<key id>`, `user:<sub>` or `ip:<address>`. Never a secret. */
  id: string
  /** Route scopes this credential may use; undefined means every route. */
  scopes?: string[]
  /** Model ids this credential may use (already resolved); undefined means the app's allowed set. */
  models?: string[]
  /** Highest `max_tokens` this credential may ask for. */
  maxTokens?: number
  /** Own limits overriding the app's defaults (same syntax as the config values). */
  limits?: IdentityLimits
}

export interface IdentityLimits {
  rateLimit?: string
  tokenLimit?: string
  dailyBudgetUsd?: number
}
