/** Who a request counts against: limits, budgets and logs are keyed by `id`. */
export interface Identity {
  kind: 'key' | 'session' | 'anonymous'
  /** Stable id: `key:<key id>`, `user:<sub>` or `ip:<address>`. Never a secret. */
  id: string
  /** Route scopes this credential may use; undefined means every route. */
  scopes?: string[]
  /** Model ids this credential may use (already resolved); undefined means the app's allowed set. */
  models?: string[]
  /** Assistants this credential may use (and must: it cannot send raw requests); undefined means any or none. */
  assistants?: string[]
  /** Highest `max_tokens` this credential may ask for; larger requests are clamped to it. */
  maxTokens?: number
  /**
   * What may spend outside the budget reservation for this credential (SPEC §12): server tools
   * by kind (`web_search`, `web_fetch`, `code_execution`, …), `mcp_servers`, `container`, and
   * `anthropic-beta` values beyond the free ones. Default: none.
   */
  allow?: string[]
  /** Own limits overriding the app's defaults (same syntax as the config values). */
  limits?: IdentityLimits
  /** The end user's plan from a session token's `plan` claim, for logs and the site's own use. */
  plan?: string
}

export interface IdentityLimits {
  /** `<count>/<window>` like `60/1m`, or `off`. */
  rateLimit?: string
  /** `<count>/<window>` like `100000/1m`, or `off`. */
  tokenLimit?: string
  dailyBudgetUsd?: number
}
