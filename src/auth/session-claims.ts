import * as z from 'zod/mini'
import '../validation/zod.ts'
import { rateOrOff } from '../validation/rate.ts'
import { SCOPES } from './scopes.ts'

/** Longest lifetime a session token may have: they are meant to be short-lived. */
export const MAX_SESSION_TTL_SECONDS = 86_400

/** Printable ASCII without spaces: safe in Redis keys, log lines and identity ids. */
const PRINTABLE = /^[\x21-\x7e]+$/

const printable = (max: number, what: string) =>
  z
    .string()
    .check(z.minLength(1), z.maxLength(max), z.regex(PRINTABLE, `expected 1-${max} printable ASCII characters without spaces${what}`))

/**
 * The claims of a session token on the wire. Names follow `CLIENT_KEYS` (snake_case), so a
 * backend in any language can mint one with its own JWT library (HS256, `SESSION_SECRET`).
 * `aud`, when present, binds the token to page origins. Unknown claims (`iss`, `jti`, …) are
 * allowed and ignored.
 */
export const sessionClaimsSchema = z.object({
  sub: printable(128, ' (a user id)'),
  exp: z.number(),
  iat: z.optional(z.number()),
  nbf: z.optional(z.number()),
  plan: z.optional(printable(64, '')),
  scopes: z.optional(z.array(z.enum(SCOPES))),
  models: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(32))),
  max_tokens: z.optional(z.int().check(z.positive())),
  assistants: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(32))),
  allow: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.maxLength(32))),
  /** Parsed when the token is read: a Rate, or null for `off`. */
  rate_limit: z.optional(rateOrOff),
  token_limit: z.optional(rateOrOff),
  daily_budget_usd: z.optional(z.number().check(z.nonnegative())),
  /** Origins (e.g. `https://shop.example.com`) the token may be used from; its `Origin` header must be one. */
  aud: z.optional(z.union([z.string(), z.array(z.string()).check(z.minLength(1), z.maxLength(16))])),
})

export type SessionClaims = z.output<typeof sessionClaimsSchema>

export function describeClaimIssues(error: { issues: readonly z.core.$ZodIssue[] }): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(claims)'}: ${issue.message}`).join('; ')
}

const encoder = new TextEncoder()

/** The HMAC key for HS256. Imported here, not by hono/jwt, which treats a string containing "PUBLIC" or "PRIVATE" as a PEM key. */
export function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
}
