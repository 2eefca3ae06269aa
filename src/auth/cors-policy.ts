import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { GatewayError } from '../errors.ts'

/** Request headers a browser may send: ours, plus those the Anthropic SDK sends from a browser. */
export const CORS_ALLOW_HEADERS = [
  'authorization',
  'x-api-key',
  'content-type',
  // Resuming a stream after the last part the client has (docs/conversations.md).
  'last-event-id',
  'anthropic-version',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
  'x-request-id',
  'x-stainless-arch',
  'x-stainless-lang',
  'x-stainless-os',
  'x-stainless-package-version',
  'x-stainless-retry-count',
  'x-stainless-runtime',
  'x-stainless-runtime-version',
  'x-stainless-timeout',
  'x-stainless-helper-method',
]

/** Response headers page scripts may read. */
export const CORS_EXPOSE_HEADERS = [
  'x-request-id',
  'request-id',
  'x-claude-edge-warnings',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
]

export interface CorsPolicyOptions {
  /** Exact origins (`https://example.com`, no path) whose pages may call the service. Default: none. */
  allowedOrigins?: readonly string[]
  /** How long browsers may cache a preflight answer, in seconds. Default 600. */
  maxAgeSeconds?: number
}

const ORIGIN = /^https?:\/\/[^/\s]{1,253}$/

/**
 * CORS with an exact allow-list. A request whose `Origin` is not listed is refused with a 403
 * JSON error instead of a response the browser silently drops; that error names no allowed origin
 * and carries `Access-Control-Allow-Origin` for the refused origin, so the page's script can read
 * why. Its preflight is answered (204, never cached) for the same reason: a failed preflight is a
 * bare "Failed to fetch" in the page, indistinguishable from a network failure, so the browser is
 * let through to the real request, which does nothing but answer the 403. Requests without
 * `Origin` (servers, curl) pass untouched.
 *
 * @example
 * ```ts
 * app.use(corsPolicy({ allowedOrigins: ['https://example.com'] }))
 * ```
 */
export function corsPolicy(options: CorsPolicyOptions = {}): MiddlewareHandler {
  const { allowedOrigins = [], maxAgeSeconds = 600 } = options
  const allowed = new Set(allowedOrigins)
  const allowHeaders = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: maxAgeSeconds,
  })

  return async function corsPolicy(c, next) {
    const origin = c.req.header('origin')
    if (origin !== undefined && !allowed.has(origin)) {
      c.header('Vary', 'Origin')
      if (!ORIGIN.test(origin)) throw refusedOrigin()
      c.header('Access-Control-Allow-Origin', origin)
      c.header('Access-Control-Expose-Headers', 'x-request-id, request-id')
      if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
        c.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
        c.header('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS.join(', '))
        c.header('Access-Control-Max-Age', '0')
        return c.body(null, 204)
      }
      throw refusedOrigin()
    }
    return allowHeaders(c, next)
  }
}

function refusedOrigin(): GatewayError {
  return new GatewayError(
    'permission_error',
    'Origin not allowed: this service only answers browser requests from the origins in its ALLOWED_ORIGINS setting.',
  )
}
