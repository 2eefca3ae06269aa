import type { Rate } from '../config.ts'

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
   * What may spend outside the budget reservation for this credential (docs/limits-and-budgets.md#the-guarantee): server tools
   * by kind (`web_search`, `web_fetch`, `code_execution`, …), `mcp_servers`, `container`, and
   * `anthropic-beta` values beyond the free ones. Default: none.
   */
  allow?: string[]
  /** Own limits overriding the app's defaults, parsed when the credential was read. */
  limits?: IdentityLimits
  /** The end user's plan from a session token's `plan` claim, for logs and the site's own use. */
  plan?: string
}

export interface IdentityLimits {
  /** Requests per window (`60/1m` in the config or token, parsed), or null for `off`. */
  rateLimit?: Rate | null
  /** Input tokens per window (`100000/1m`, parsed), or null for `off`. */
  tokenLimit?: Rate | null
  dailyBudgetUsd?: number
}
