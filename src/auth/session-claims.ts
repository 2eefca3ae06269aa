import { z } from 'zod'
import { parseRate } from '../config.ts'
import { SCOPES } from './scopes.ts'

/** Longest lifetime a session token may have: they are meant to be short-lived. */
export const MAX_SESSION_TTL_SECONDS = 86_400

/** Printable ASCII without spaces: safe in Redis keys, log lines and identity ids. */
const PRINTABLE = /^[\x21-\x7e]+$/

const rate = z
  .string()
  .refine((v) => v === 'off' || parseRate(v) !== null, 'expected "<count>/<window>" like "20/1m", or "off"')

/**
 * The claims of a session token on the wire. Names follow `CLIENT_KEYS` (snake_case), so a
 * backend in any language can mint one with its own JWT library (HS256, `SESSION_SECRET`).
 * Unknown claims (`iss`, `aud`, `jti`, …) are allowed and ignored.
 */
export const sessionClaimsSchema = z.object({
  sub: z.string().min(1).max(128).regex(PRINTABLE, 'expected 1-128 printable ASCII characters without spaces (a user id)'),
  exp: z.number().finite(),
  iat: z.number().finite().optional(),
  nbf: z.number().finite().optional(),
  plan: z.string().min(1).max(64).regex(PRINTABLE, 'expected 1-64 printable ASCII characters without spaces').optional(),
  scopes: z.array(z.enum(SCOPES)).optional(),
  models: z.array(z.string().min(1).max(64)).max(32).optional(),
  max_tokens: z.number().int().positive().optional(),
  rate_limit: rate.optional(),
  token_limit: rate.optional(),
  daily_budget_usd: z.number().finite().nonnegative().optional(),
})

export type SessionClaims = z.output<typeof sessionClaimsSchema>

export function describeClaimIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(claims)'}: ${issue.message}`).join('; ')
}

const encoder = new TextEncoder()

/** The HMAC key for HS256. Imported here, not by hono/jwt, which treats a string containing "PUBLIC" or "PRIVATE" as a PEM key. */
export function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
}
