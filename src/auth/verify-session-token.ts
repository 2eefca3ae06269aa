import { verify } from 'hono/jwt'
import * as z from 'zod/mini'
import type { Config } from '../config.ts'
import { GatewayError } from '../errors.ts'
import type { Identity } from './identity.ts'
import { MAX_SESSION_TTL_SECONDS, describeClaimIssues, hmacKey, sessionClaimsSchema } from './session-claims.ts'

export interface SessionVerifierOptions {
  /** `SESSION_SECRET`, at least 32 characters. */
  secret: string
  /** `SESSION_SECRET_PREVIOUS`: also accepted while tokens minted before a rotation expire. Default: none. */
  previousSecret?: string
  /** For resolving the `models` claim. */
  config: Config
  /** Tolerated clock difference with the minting backend, in seconds. Default 30. */
  clockSkewSeconds?: number
  /** Refuse tokens whose `exp` is further ahead than this. Default 86400 (24 h). */
  maxLifetimeSeconds?: number
  /** Current time in ms (tests). Default `Date.now`. */
  now?: () => number
}

/** base64url of 32 bytes: 42 characters, then one whose two low (unused) bits are zero. */
const CANONICAL_HS256_SIGNATURE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/

function refused(message: string): GatewayError {
  // Never attach the JWT library's error as `cause`: its messages contain the token.
  return new GatewayError('authentication_error', `Session token refused: ${message}`)
}

/**
 * Returns a function that verifies a session token (HS256 only, with hono/jwt) and turns its
 * claims into an Identity, or throws a 401 GatewayError that says what is wrong.
 */
export function createSessionVerifier(options: SessionVerifierOptions): (token: string, origin?: string) => Promise<Identity> {
  const { secret, previousSecret, config, clockSkewSeconds = 30, maxLifetimeSeconds = MAX_SESSION_TTL_SECONDS, now = Date.now } = options
  let keys: Promise<CryptoKey[]> | undefined

  return async function verifySessionToken(token, origin) {
    // One signature per token: base64url of exactly 32 bytes, whose unused low bits are zero. A
    // non-canonical spelling decodes to the same bytes but is another token (a replay-cache bypass).
    if (!CANONICAL_HS256_SIGNATURE.test(token.slice(token.lastIndexOf('.') + 1)))
      throw refused('its signature is not canonical base64url (HS256: 43 characters).')
    keys ??= Promise.all([secret, ...(previousSecret ? [previousSecret] : [])].map((s) => hmacKey(s, 'verify')))
    let payload: unknown
    let lastError: unknown
    for (const key of await keys) {
      try {
        // Time claims are checked below, with clock skew; hono/jwt checks them with none.
        payload = await verify(token, key, { alg: 'HS256', exp: false, nbf: false, iat: false })
        break
      } catch (error) {
        lastError = error
        // Only a signature mismatch is worth trying the previous secret for.
        if (!(error instanceof Error && error.name === 'JwtTokenSignatureMismatched')) break
      }
    }
    if (payload === undefined) {
      const name = lastError instanceof Error ? lastError.name : ''
      if (name === 'JwtAlgorithmMismatch' || name === 'JwtHeaderInvalid') throw refused('it must be a JWT signed with HS256.')
      if (name === 'JwtTokenSignatureMismatched')
        throw refused("the signature does not match. Mint tokens with this service's SESSION_SECRET.")
      throw refused('it is not a well-formed JWT.')
    }
    const claims = z.safeParse(sessionClaimsSchema, payload)
    if (!claims.success) throw refused(`invalid claims: ${describeClaimIssues(claims.error)}.`)
    const c = claims.data
    const t = Math.floor(now() / 1000)
    if (c.exp + clockSkewSeconds <= t) throw refused('it has expired. Get a new one from the site.')
    if (c.nbf !== undefined && c.nbf - clockSkewSeconds > t) throw refused('it is not valid yet (nbf is in the future).')
    if (c.iat !== undefined && c.iat - clockSkewSeconds > t)
      throw refused('it was issued in the future (iat); check the clock of the minting server.')
    if (c.exp - t > maxLifetimeSeconds + clockSkewSeconds) {
      throw refused(`it expires more than ${maxLifetimeSeconds} seconds from now; session tokens must be short-lived.`)
    }

    if (c.aud !== undefined) {
      const audience = typeof c.aud === 'string' ? [c.aud] : c.aud
      if (!origin || !audience.includes(origin))
        throw refused(`it is bound to other origins (aud); this request comes from ${origin ? 'another origin' : 'no Origin'}.`)
    }

    let models: string[] | undefined
    if (c.models) {
      models = []
      for (const name of c.models) {
        const model = config.catalogue.get(name)
        if (!model) throw refused(`invalid claims: models: unknown model "${name}".`)
        models.push(model.id)
      }
    }
    const limits = {
      ...(c.rate_limit !== undefined && { rateLimit: c.rate_limit }),
      ...(c.token_limit !== undefined && { tokenLimit: c.token_limit }),
      ...(c.daily_budget_usd !== undefined && { dailyBudgetUsd: c.daily_budget_usd }),
    }
    return {
      kind: 'session',
      id: `user:${c.sub}`,
      ...(c.scopes && { scopes: c.scopes }),
      ...(models && { models }),
      ...(c.max_tokens !== undefined && { maxTokens: c.max_tokens }),
      ...(c.allow && { allow: c.allow }),
      ...(c.assistants && { assistants: c.assistants }),
      ...(Object.keys(limits).length && { limits }),
      ...(c.plan !== undefined && { plan: c.plan }),
    }
  }
}
