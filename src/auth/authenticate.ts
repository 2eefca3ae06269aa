import type { MiddlewareHandler } from 'hono'
import { ConfigError, type ClientKey, type Config } from '../config.ts'
import { GatewayError } from '../errors.ts'
import { allowedModels } from '../models/resolve-model.ts'
import { addressIdentity, cloudflareClientIp, type ClientIpSource } from './client-ip.ts'
import { readCredential } from './credential.ts'
import type { Identity, IdentityLimits } from './identity.ts'
import { ANONYMOUS_SCOPES, SCOPES, isScope, scopeOf } from './scopes.ts'
import { SecretKeys } from './secret-keys.ts'
import { createSessionVerifier } from './verify-session-token.ts'

export interface AuthenticateOptions {
  /**
   * Validated configuration: `clientKeys`, `sessionSecret`, `allowAnonymous`, `allowedOrigins`,
   * `anonymousRateLimit` and the model catalogue are read from it. Default: the gateway's
   * (`c.get('config')`, set by `gateway()`).
   */
  config?: Config
  /** Tolerated clock difference with the backend that mints session tokens, in seconds. Default 30. */
  clockSkewSeconds?: number
  /**
   * Where an anonymous caller's address comes from (its identity, counted per IPv4 address or IPv6
   * /64). Default: the gateway's `clientIp` option, else `CF-Connecting-IP`, set by Cloudflare. Not behind Cloudflare, pass a source that
   * reads what your own proxy sets; it is trusted as is.
   */
  clientIp?: ClientIpSource
}

function keyIdentity(key: ClientKey): Identity {
  const limits: IdentityLimits = {
    ...(key.rateLimit && { rateLimit: key.rateLimit }),
    ...(key.tokenLimit && { tokenLimit: key.tokenLimit }),
    ...(key.dailyBudgetUsd !== undefined && { dailyBudgetUsd: key.dailyBudgetUsd }),
  }
  return {
    kind: 'key',
    id: `key:${key.id}`,
    ...(key.scopes && { scopes: key.scopes }),
    ...(key.models && { models: key.models }),
    ...(key.maxTokens !== undefined && { maxTokens: key.maxTokens }),
    ...(key.allow && { allow: key.allow }),
    ...(key.assistants && { assistants: key.assistants }),
    ...(Object.keys(limits).length && { limits }),
  }
}

const unauthenticated = (message: string) => new GatewayError('authentication_error', message)

/**
 * Establishes who the caller is (docs/credentials.md) and sets `c.get('identity')`, or refuses with 401
 * (no, malformed, unknown or expired credential) or 403 (valid credential, route outside its
 * scopes), and narrows the request's upstream fallbacks to the models the caller may use. Mount it
 * after `gateway()` on the routes that need a caller, e.g. `app.use('/v1/*', authenticate())`.
 *
 * - `Authorization: Bearer <token>` or `x-api-key: <token>`: a secret client key (`CLIENT_KEYS`),
 *   or a session token (HS256 JWT signed with `SESSION_SECRET`).
 * - No credential: anonymous, only when `allowAnonymous` and the request has an allowed `Origin`;
 *   the identity is the client IP, limited by `anonymousRateLimit`.
 *
 * @example
 * ```ts
 * app.use('/v1/*', authenticate())
 * ```
 */
export function authenticate(options: AuthenticateOptions = {}): MiddlewareHandler {
  const { clockSkewSeconds = 30 } = options
  const given = options.config && credentialsFor(options.config, clockSkewSeconds)
  const built = new WeakMap<Config, Credentials>()
  const credentialsOf = (config: Config): Credentials => {
    if (given) return given
    let credentials = built.get(config)
    if (!credentials) built.set(config, (credentials = credentialsFor(config, clockSkewSeconds)))
    return credentials
  }

  return async function authenticate(c, next) {
    const config = options.config ?? c.get('config')
    const { keys, verifySession, allowedOrigins, anonymousLimits, keyIdentities, missing } = credentialsOf(config)
    const clientIpSource = options.clientIp ?? c.get('clientIp') ?? cloudflareClientIp
    const credential = readCredential(c.req.raw.headers)
    let identity: Identity
    if (credential?.kind === 'key') {
      const key = await keys.find(credential.token)
      if (!key) {
        throw unauthenticated(
          'Unknown key: it matches no key configured in CLIENT_KEYS (revoked, mistyped, or an Anthropic key instead of a claude-edge key).',
        )
      }
      identity = keyIdentities.get(key)!
    } else if (credential?.kind === 'session') {
      if (!verifySession) throw unauthenticated('Session tokens are not accepted here: SESSION_SECRET is not configured.')
      identity = await verifySession(credential.token, c.req.header('origin'))
    } else {
      // Browsers leave Origin out of same-origin GETs (a page reloading its conversation); the
      // Fetch Metadata they send instead cannot be set by the page's scripts.
      const origin = c.req.header('origin') ?? (c.req.header('sec-fetch-site') === 'same-origin' ? new URL(c.req.url).origin : undefined)
      if (!config.allowAnonymous) throw unauthenticated(missing)
      if (origin === undefined) {
        throw unauthenticated(`${missing} Anonymous access is only for pages on the allowed origins.`)
      }
      if (!allowedOrigins.has(origin)) {
        throw new GatewayError(
          'permission_error',
          'Origin not allowed: anonymous access is only for pages on the origins in ALLOWED_ORIGINS.',
        )
      }
      const address = addressIdentity(clientIpSource(c))
      // Anonymous callers are counted by address: without a valid one there is no identity to limit.
      if (!address)
        throw unauthenticated(
          "Anonymous access needs the client's address, and this request has no valid one (CF-Connecting-IP). Send a credential instead.",
        )
      identity = { kind: 'anonymous', id: `ip:${address}`, scopes: [...ANONYMOUS_SCOPES], limits: anonymousLimits }
    }
    if (identity.scopes && !identity.scopes.includes(scopeOf(c.req.path))) {
      const who = identity.kind === 'key' ? 'This key' : identity.kind === 'session' ? 'This session token' : 'Anonymous access'
      throw new GatewayError('permission_error', `${who} may not use this route; allowed scopes: ${identity.scopes.join(', ') || 'none'}.`)
    }
    c.set('identity', identity)
    // Fallbacks stay within the models this caller may use.
    const upstream = c.get('upstream')
    if (upstream) c.set('upstream', upstream.forCaller({ allowedModels: allowedModels(config, identity) }))
    await next()
  }
}

/** What authenticate checks credentials against, built once per configuration. */
interface Credentials {
  keys: SecretKeys
  verifySession: ReturnType<typeof createSessionVerifier> | undefined
  allowedOrigins: Set<string>
  anonymousLimits: IdentityLimits
  keyIdentities: Map<ClientKey, Identity>
  missing: string
}

function credentialsFor(config: Config, clockSkewSeconds: number): Credentials {
  for (const key of config.clientKeys) {
    const unknown = (key.scopes ?? []).filter((s) => !isScope(s))
    if (unknown.length) {
      throw new ConfigError(
        `Invalid configuration:\n- CLIENT_KEYS: key "${key.id}" has unknown scopes ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`,
      )
    }
  }
  const keys = new SecretKeys(config.clientKeys)
  const verifySession = config.sessionSecret
    ? createSessionVerifier({
        secret: config.sessionSecret,
        ...(config.sessionSecretPrevious && { previousSecret: config.sessionSecretPrevious }),
        config,
        clockSkewSeconds,
      })
    : undefined
  const allowedOrigins = new Set(config.allowedOrigins)
  const anonymousLimits: IdentityLimits = { rateLimit: config.anonymousRateLimit }
  // A key's identity depends only on its configuration: built once, shared (read-only) by requests.
  const keyIdentities = new Map(config.clientKeys.map((key) => [key, Object.freeze(keyIdentity(key))] as const))
  const accepted =
    [keys.size ? 'a claude-edge key' : '', verifySession ? 'a session token' : ''].filter(Boolean).join(' or ') || 'a credential'
  const missing = `Missing credential: send \`Authorization: Bearer <token>\` or \`x-api-key: <token>\` with ${accepted}.`

  return { keys, verifySession, allowedOrigins, anonymousLimits, keyIdentities, missing }
}
