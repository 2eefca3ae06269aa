import { sign } from 'hono/jwt'
import * as z from 'zod/mini'
import type { Scope } from './scopes.ts'
import { MAX_SESSION_TTL_SECONDS, describeClaimIssues, hmacKey, sessionClaimsSchema } from './session-claims.ts'

/** Per-user restrictions carried by a session token; each narrows or overrides the app's defaults. */
export interface SessionLimits {
  /** Requests per window, like `20/1m`, or `off`. Default: the app's `RATE_LIMIT`. */
  rateLimit?: string
  /** Tokens per window, like `50000/1m`, or `off`. Default: the app's `TOKEN_LIMIT`. */
  tokenLimit?: string
  /** Daily cost budget of this user in USD. Default: the app's `DAILY_BUDGET_USD`. */
  dailyBudgetUsd?: number
  /** Highest `max_tokens` per request; larger requests are clamped. Default: no own cap. */
  maxTokens?: number
  /** Aliases or model ids this user may use, within `ALLOWED_MODELS`. Default: all allowed. */
  models?: string[]
  /** Routes this user may call (`chat`, `messages`, `models`, `usage`). Default: all. */
  scopes?: Scope[]
  /** Assistants this user may use (and must). Default: the app's rules (any for a session). */
  assistants?: string[]
  /** What may spend outside the budget reservation (server tools, `mcp_servers`, betas; see docs/credentials.md#allow). Default: nothing. */
  allow?: string[]
}

export interface SessionTokenOptions {
  /** The end user, e.g. your database id. Required; becomes the identity `user:<sub>`. */
  sub: string
  /** Lifetime in seconds. Default 900 (15 minutes); at most 86400. */
  ttlSeconds?: number
  /** The user's plan, logged with each request. Default: none. */
  plan?: string
  /** Per-user limits and restrictions. Default: the app's. */
  limits?: SessionLimits
  /** Page origins the token may be used from (the `aud` claim), e.g. `https://shop.example.com`. Default: any. */
  audience?: string | string[]
}

/**
 * Mints a session token (an HS256 JWT) for one end user of your site, signed with the Worker's
 * `SESSION_SECRET`. Call it from your own backend (Node 20+, Workers, Deno, Bun) after your
 * user has logged in, and hand the token to the browser, which sends it as
 * `Authorization: Bearer <token>`.
 *
 * @example
 * ```ts
 * const token = await mintSessionToken({ sub: user.id, ttlSeconds: 600, plan: 'free', limits: { rateLimit: '10/1m' } }, env.SESSION_SECRET)
 * ```
 */
export async function mintSessionToken(options: SessionTokenOptions, secret: string): Promise<string> {
  const { sub, ttlSeconds = 900, plan, limits = {}, audience } = options
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new TypeError('mintSessionToken: the secret must be SESSION_SECRET, at least 32 characters')
  }
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_SESSION_TTL_SECONDS) {
    throw new TypeError(`mintSessionToken: ttlSeconds must be a whole number from 1 to ${MAX_SESSION_TTL_SECONDS}`)
  }
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    sub,
    iat: now,
    exp: now + ttlSeconds,
    ...(plan !== undefined && { plan }),
    ...(audience !== undefined && { aud: audience }),
    ...(limits.scopes && { scopes: limits.scopes }),
    ...(limits.models && { models: limits.models }),
    ...(limits.maxTokens !== undefined && { max_tokens: limits.maxTokens }),
    ...(limits.allow && { allow: limits.allow }),
    ...(limits.assistants && { assistants: limits.assistants }),
    ...(limits.rateLimit !== undefined && { rate_limit: limits.rateLimit }),
    ...(limits.tokenLimit !== undefined && { token_limit: limits.tokenLimit }),
    ...(limits.dailyBudgetUsd !== undefined && { daily_budget_usd: limits.dailyBudgetUsd }),
  }
  const parsed = z.safeParse(sessionClaimsSchema, claims)
  if (!parsed.success) throw new TypeError(`mintSessionToken: ${describeClaimIssues(parsed.error)}`)
  // The claims as checked: the schema's output carries the rates parsed, the token their text.
  return sign(claims, await hmacKey(secret, 'sign'), 'HS256')
}
