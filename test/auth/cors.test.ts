import { describe, expect, it } from 'vitest'
import { makeApp } from '../support/app.ts'
import { errorOf, get } from './support.ts'

const SITE = 'https://app.example.com'

function preflight(app: ReturnType<typeof makeApp>['app'], origin: string, path = '/v1/chat') {
  return app.request(path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  })
}

describe('CORS', () => {
  it('answers a preflight from an allowed origin, cacheable, with every header a client sends', async () => {
    const { app } = makeApp({ ALLOWED_ORIGINS: SITE })
    const res = await preflight(app, SITE)
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(SITE)
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS')
    const allowed = res.headers.get('access-control-allow-headers')!.split(',')
    for (const header of ['authorization', 'x-api-key', 'content-type', 'anthropic-version', 'x-request-id'])
      expect(allowed).toContain(header)
    expect(res.headers.get('access-control-max-age')).toBe('600')
    expect(res.headers.get('vary')).toMatch(/Origin/)
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('lets a preflight from another origin through (never cached), so the page can read the 403 of its real request', async () => {
    const { app, simulator } = makeApp({ ALLOWED_ORIGINS: SITE })
    const res = await preflight(app, 'https://other.example')
    // A failed preflight is a bare network error in the page; this one passes…
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://other.example')
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/)
    expect(res.headers.get('access-control-max-age')).toBe('0')
    // …and the request itself does nothing but say why, readable by the page.
    const refused = await app.request('/v1/chat', {
      method: 'POST',
      headers: { origin: 'https://other.example', 'content-type': 'application/json' },
      body: '{"messages":[{"role":"user","content":"hi"}]}',
    })
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://other.example')
    expect(await errorOf(refused, 403, 'permission_error')).toMatch(/^Origin not allowed/)
    expect(simulator.requests).toHaveLength(0)
    // Not an origin at all: no CORS headers, no pass.
    const odd = await preflight(app, 'null')
    expect(odd.headers.get('access-control-allow-origin')).toBeNull()
    await errorOf(odd, 403, 'permission_error')
  })

  it('with no ALLOWED_ORIGINS, refuses every browser origin', async () => {
    const { app } = makeApp()
    expect((await preflight(app, SITE)).status).toBe(204)
    await errorOf(await get(app, '/v1/models', { origin: SITE }), 403, 'permission_error')
  })

  it('exposes the request id and rate-limit headers to the page and varies on Origin', async () => {
    const { app } = makeApp({ ALLOWED_ORIGINS: SITE })
    const res = await get(app, '/v1/models', { origin: SITE })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(SITE)
    expect(res.headers.get('access-control-expose-headers')!.split(',')).toEqual([
      'x-request-id',
      'request-id',
      'x-claude-edge-warnings',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
    ])
    expect(res.headers.get('vary')).toMatch(/Origin/)
  })

  it('leaves requests without Origin alone but still varies on it', async () => {
    const { app } = makeApp({ ALLOWED_ORIGINS: SITE })
    const res = await get(app, '/v1/models')
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('vary')).toMatch(/Origin/)
  })
})

describe('security headers', () => {
  it('are on JSON answers and JSON errors', async () => {
    const { app } = makeApp()
    for (const res of [
      await get(app, '/v1/models'),
      await get(app, '/healthz'),
      await get(app, '/nope'),
      await makeApp({}, undefined, undefined, { testKey: false }).app.request('/v1/models'),
    ]) {
      expect(res.headers.get('content-type')).toMatch(/application\/json/)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'")
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('strict-transport-security')).toBeNull()
    }
    expect((await app.request('https://api.example.com/healthz')).headers.get('strict-transport-security')).toMatch(/max-age=/)
  })
})

describe('public routes', () => {
  it('GET /healthz needs no credential', async () => {
    const { app } = makeApp({}, undefined, undefined, { testKey: false })
    expect((await app.request('/healthz')).status).toBe(200)
  })

  it('GET /healthz warns when no credential is configured at all', async () => {
    const locked = makeApp({ CLIENT_KEYS: '[]' })
    expect(((await (await locked.app.request('/healthz')).json()) as { warnings: string[] }).warnings.join()).toMatch(
      /every \/v1 route answers 401/,
    )
    const open = makeApp()
    expect(((await (await open.app.request('/healthz')).json()) as { warnings: string[] }).warnings.join()).not.toMatch(/401/)
  })
})
