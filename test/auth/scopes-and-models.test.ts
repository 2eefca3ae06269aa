import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.ts'
import { SCOPES, scopeOf } from '../../src/auth/scopes.ts'
import { ConfigError, parseConfig } from '../../src/config.ts'
import { makeApp } from '../support/app.ts'
import { KEY_A, KEY_B, authApp, clientKeys, errorOf, get, hello, post } from './support.ts'

describe('scopes', () => {
  it('a key scoped to chat may chat but not list models; an unscoped key may do both', async () => {
    const { app } = authApp({
      CLIENT_KEYS: await clientKeys([
        { key: KEY_A, id: 'chat-only', scopes: ['chat'] },
        { key: KEY_B, id: 'all' },
      ]),
    })
    expect((await post(app, '/v1/chat', hello, { 'x-api-key': KEY_A })).status).toBe(200)
    expect(await errorOf(await get(app, '/v1/models', { 'x-api-key': KEY_A }), 403, 'permission_error')).toMatch(
      /This key may not use this route; allowed scopes: chat/,
    )
    expect(await errorOf(await post(app, '/v1/messages', {}, { 'x-api-key': KEY_A }), 403, 'permission_error')).toMatch(/scopes: chat/)
    expect((await get(app, '/v1/models', { 'x-api-key': KEY_B })).status).toBe(200)
  })

  it('an empty scope list allows nothing', async () => {
    const { app } = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'none', scopes: [] }]) })
    expect(await errorOf(await post(app, '/v1/chat', hello, { 'x-api-key': KEY_A }), 403, 'permission_error')).toMatch(/none/)
  })

  it('an unknown scope in CLIENT_KEYS fails at start-up with the variable named', async () => {
    const config = parseConfig({ UPSTREAM: 'simulator', CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'typo', scopes: ['chats'] }]) })
    expect(() => createApp({ config })).toThrow(ConfigError)
    expect(() => createApp({ config })).toThrow(/CLIENT_KEYS: key "typo" has unknown scopes chats/)
  })

  it('every /v1 route of the app belongs to a known scope, so scoped keys cover new routes deliberately', () => {
    const { app } = makeApp()
    const paths = app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/')).map((r) => r.path)
    expect(paths.length).toBeGreaterThan(0)
    for (const path of paths) expect(SCOPES).toContain(scopeOf(path))
  })
})

describe('model allow-list per caller', () => {
  it("403 with the allowed models for a model outside the key's list; /v1/models lists only those", async () => {
    const { app, simulator } = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'cheap', models: ['fast'] }]) })
    const message = await errorOf(
      await post(app, '/v1/chat', { ...hello, model: 'smart' }, { 'x-api-key': KEY_A }),
      403,
      'permission_error',
    )
    expect(message).toBe('model: claude-opus-5-5 is not allowed for this caller. Allowed: claude-haiku-5-5')
    expect(simulator.requests).toHaveLength(0)
    const ok = await post(app, '/v1/chat', { ...hello, model: 'fast' }, { 'x-api-key': KEY_A })
    expect(ok.status).toBe(200)
    const models = (await (await get(app, '/v1/models', { 'x-api-key': KEY_A })).json()) as { data: { id: string }[] }
    expect(models.data.map((m) => m.id)).toEqual(['claude-haiku-5-5'])
  })

  it("a request without a model uses the caller's first allowed model when DEFAULT_MODEL is not among them", async () => {
    const { app, simulator } = authApp({
      CLIENT_KEYS: await clientKeys([
        { key: KEY_A, id: 'cheap', models: ['fast'] },
        { key: KEY_B, id: 'all' },
      ]),
    })
    expect((await post(app, '/v1/chat', hello, { 'x-api-key': KEY_A })).status).toBe(200)
    expect(simulator.requests.at(-1)!.model).toBe('claude-haiku-5-5')
    expect((await post(app, '/v1/chat', hello, { 'x-api-key': KEY_B })).status).toBe(200)
    expect(simulator.requests.at(-1)!.model).toBe('claude-sonnet-5-5')
  })

  it('a key cannot widen ALLOWED_MODELS', async () => {
    const { app } = authApp({
      ALLOWED_MODELS: 'fast,balanced',
      CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'k', models: ['fast', 'smart'] }]),
    })
    expect(
      await errorOf(await post(app, '/v1/chat', { ...hello, model: 'smart' }, { 'x-api-key': KEY_A }), 403, 'permission_error'),
    ).toMatch(/Allowed: claude-haiku-5-5$/)
  })
})

describe('max_tokens cap per caller', () => {
  it('clamps a larger max_tokens to the cap and says so; a smaller one passes unchanged', async () => {
    const { app, simulator } = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'capped', max_tokens: 200 }]) })
    const res = await post(app, '/v1/chat', { ...hello, max_tokens: 5000 }, { 'x-api-key': KEY_A })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { warnings: string[] }).warnings).toContain(
      'max_tokens was lowered from 5000 to 200, the most this caller may ask for',
    )
    expect((simulator.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(200)

    const small = await post(app, '/v1/chat', { ...hello, max_tokens: 50 }, { 'x-api-key': KEY_A })
    expect(((await small.json()) as { warnings?: string[] }).warnings).toBeUndefined()
    expect((simulator.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(50)
  })

  it('caps the default max_tokens silently', async () => {
    const { app, simulator } = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'capped', max_tokens: 300 }]) })
    const res = await post(app, '/v1/chat', hello, { 'x-api-key': KEY_A })
    expect(((await res.json()) as { warnings?: string[] }).warnings).toBeUndefined()
    expect((simulator.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(300)
  })
})
