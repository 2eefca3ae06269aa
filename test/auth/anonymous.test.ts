import { describe, expect, it } from 'vitest'
import { parseRate } from '../../src/config.ts'
import { anonymousEnv } from '../support/assistants.ts'
import { KEY_A, authApp, clientKeys, errorOf, get, hello, post } from './support.ts'

const SITE = 'https://shop.example.com'
const siteEnv = { ...anonymousEnv(`${SITE},http://localhost:8787`), ANONYMOUS_RATE_LIMIT: '5/1m', CLIENT_KEYS: '[]' }

describe('anonymous access', () => {
  it('is off by default, even from an allowed origin', async () => {
    const { app } = authApp({ ALLOWED_ORIGINS: SITE, CLIENT_KEYS: '[]' })
    await errorOf(await post(app, '/v1/chat', hello, { origin: SITE }), 401, 'authentication_error')
  })

  it('when enabled, admits a page on an allowed origin as ip:<CF-Connecting-IP> with the anonymous limit', async () => {
    const { app } = authApp(siteEnv)
    const res = await get(app, '/v1/models/whoami/me', { origin: SITE, 'cf-connecting-ip': '203.0.113.7' })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(SITE)
    expect(await res.json()).toEqual({
      kind: 'anonymous',
      id: 'ip:203.0.113.7',
      scopes: ['chat', 'models', 'usage'],
      limits: { rateLimit: parseRate('5/1m') },
    })
    const chat = await post(app, '/v1/chat', hello, { origin: SITE, 'cf-connecting-ip': '2001:db8::1' })
    expect(chat.status).toBe(200)
  })

  it('refuses a foreign origin with a 403 JSON error the page can read', async () => {
    const { app } = authApp(siteEnv)
    const res = await post(app, '/v1/chat', hello, { origin: 'https://evil.example' })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://evil.example')
    expect(res.headers.get('vary')).toMatch(/Origin/)
    const message = await errorOf(res, 403, 'permission_error')
    expect(message).toMatch(/Origin not allowed/)
    expect(message).not.toContain(SITE)
  })

  it('refuses callers without an Origin (scripts) and look-alike origins', async () => {
    const { app } = authApp(siteEnv)
    expect(await errorOf(await post(app, '/v1/chat', hello), 401, 'authentication_error')).toMatch(/allowed origins/)
    for (const origin of ['https://shop.example.com.evil.io', 'http://shop.example.com', 'https://SHOP.example.com', 'null', `${SITE}/`]) {
      await errorOf(await post(app, '/v1/chat', hello, { origin }), 403, 'permission_error')
    }
  })

  it('keeps anonymous callers off the Anthropic-compatible gateway scope', async () => {
    const { app } = authApp(siteEnv)
    expect(
      await errorOf(await post(app, '/v1/messages', {}, { origin: SITE, 'cf-connecting-ip': '203.0.113.7' }), 403, 'permission_error'),
    ).toMatch(/scopes: chat, models, usage/)
  })

  it('a credential still wins over anonymous mode', async () => {
    const { app } = authApp({ ...siteEnv, CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'server' }]) })
    expect(await (await get(app, '/v1/models/whoami/me', { origin: SITE, 'x-api-key': KEY_A })).json()).toMatchObject({ id: 'key:server' })
    await errorOf(await get(app, '/v1/models', { origin: SITE, 'x-api-key': 'ce_sk_wrong' }), 401, 'authentication_error')
  })
})
