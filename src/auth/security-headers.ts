import type { MiddlewareHandler } from 'hono'

export interface SecurityHeadersOptions {
  /** Send `Strict-Transport-Security` on HTTPS responses. Default true. */
  hsts?: boolean
}

const API_TYPES = /^(application\/json|text\/event-stream)/

/**
 * Hardening headers. Every response gets `X-Content-Type-Options: nosniff` and
 * `Referrer-Policy: no-referrer`; API responses (JSON and SSE) also get a deny-all CSP,
 * `X-Frame-Options: DENY`, `Cross-Origin-Resource-Policy: same-origin` (no effect on CORS
 * requests, blocks no-cors reads) and `Cache-Control: no-store` unless a handler set one.
 * Other responses (the demo page, scripts) keep their own policy.
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler {
  const { hsts = true } = options
  return async function securityHeaders(c, next) {
    await next()
    let headers = c.res.headers
    try {
      headers.set('X-Content-Type-Options', 'nosniff')
    } catch {
      // The response of a fetch() has immutable headers: copy it once.
      c.res = new Response(c.res.body, c.res)
      headers = c.res.headers
      headers.set('X-Content-Type-Options', 'nosniff')
    }
    headers.set('Referrer-Policy', 'no-referrer')
    if (hsts && c.req.url.startsWith('https:')) headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    if (API_TYPES.test(headers.get('content-type') ?? '')) {
      headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'")
      headers.set('X-Frame-Options', 'DENY')
      headers.set('Cross-Origin-Resource-Policy', 'same-origin')
      if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store')
    }
    headers.delete('X-Powered-By')
  }
}
