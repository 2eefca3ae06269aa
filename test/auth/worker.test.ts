import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { mintSessionToken } from '../../src/index.ts'
import { TEST_CLIENT_KEY, TEST_SESSION_SECRET } from '../support/credentials.ts'

const hello = JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }] })
const chat = (headers: Record<string, string>) =>
  exports.default.fetch('http://worker/v1/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: hello,
  })

// The deployed Worker as configured by wrangler.toml plus the test bindings (a client key and a
// session secret; ALLOW_ANONYMOUS and ALLOWED_ORIGINS left at their defaults).
describe('the deployed Worker', () => {
  it('accepts its client key and a session token minted with its secret', async () => {
    expect((await chat({ 'x-api-key': TEST_CLIENT_KEY })).status).toBe(200)
    const token = await mintSessionToken({ sub: 'visitor-7', ttlSeconds: 120 }, TEST_SESSION_SECRET)
    expect((await chat({ authorization: `Bearer ${token}` })).status).toBe(200)
  }, 30_000)

  it('is closed by default: no credential is 401, any browser origin 403', async () => {
    const missing = await chat({})
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { error: { type: string } }).error.type).toBe('authentication_error')
    const browser = await chat({ origin: 'http://localhost:8787' })
    expect(browser.status).toBe(403)
    const preflight = await exports.default.fetch('http://worker/v1/chat', {
      method: 'OPTIONS',
      headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' },
    })
    // The preflight passes (never cached) so the page can read the real request's 403.
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-max-age')).toBe('0')
    expect(preflight.headers.get('x-content-type-options')).toBe('nosniff')
  }, 30_000)
})
