import { describe, expect, it } from 'vitest'
import { newClientKey } from '../../src/auth/new-client-key.ts'
import { parseRate } from '../../src/config.ts'
import { TEST_CLIENT_KEY, TEST_CLIENT_KEY_SHA256 } from '../support/credentials.ts'
import { KEY_A, KEY_B, authApp, clientKeys, errorOf, get, post, hello, sha256Hex } from './support.ts'

describe('secret client keys', () => {
  it('accepts a configured key as Bearer and as x-api-key, and the identity is key:<id>', async () => {
    const { app } = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'backend-1' }]) })
    for (const headers of [{ authorization: `Bearer ${KEY_A}` }, { 'x-api-key': KEY_A }, { authorization: `bearer  ${KEY_A}` }] as Record<
      string,
      string
    >[]) {
      const res = await get(app, '/v1/models/whoami/me', headers)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ kind: 'key', id: 'key:backend-1' })
    }
    const chat = await post(app, '/v1/chat', hello, { 'x-api-key': KEY_A })
    expect(chat.status).toBe(200)
  })

  it('refuses a missing credential with 401 and says how to send one', async () => {
    const { app } = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'a' }]) })
    const message = await errorOf(await post(app, '/v1/chat', hello), 401, 'authentication_error')
    expect(message).toMatch(/Authorization: Bearer/)
    await errorOf(await get(app, '/v1/models'), 401, 'authentication_error')
  })

  it('refuses malformed credentials with 401', async () => {
    const { app } = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'a' }]) })
    for (const headers of [
      { authorization: `Basic ${btoa('user:pass')}` },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${KEY_A} extra` },
      { authorization: KEY_A },
      { authorization: `Bearer ${KEY_A}"` },
      { 'x-api-key': `${KEY_A} ${KEY_A}` },
      { 'x-api-key': 'k\u00e9y' },
    ] as Record<string, string>[]) {
      await errorOf(await get(app, '/v1/models', headers), 401, 'authentication_error')
    }
  })

  it('refuses a wrong key, an Anthropic key and a key differing in one character', async () => {
    const { app } = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'a' }]) })
    const oneOff = KEY_A.slice(0, -1) + (KEY_A.endsWith('z') ? 'y' : 'z')
    for (const key of [KEY_B, 'sk-ant-api03-abcdefghijklmnop', oneOff, KEY_A.toUpperCase()]) {
      const message = await errorOf(await get(app, '/v1/models', { authorization: `Bearer ${key}` }), 401, 'authentication_error')
      expect(message).toMatch(/Unknown key/)
    }
  })

  it('refuses two different credentials at once, accepts the same one twice', async () => {
    const { app } = authApp({
      CLIENT_KEYS: await clientKeys([
        { key: KEY_A, id: 'a' },
        { key: KEY_B, id: 'b' },
      ]),
    })
    const message = await errorOf(
      await get(app, '/v1/models', { authorization: `Bearer ${KEY_A}`, 'x-api-key': KEY_B }),
      401,
      'authentication_error',
    )
    expect(message).toMatch(/send one/)
    expect((await get(app, '/v1/models', { authorization: `Bearer ${KEY_A}`, 'x-api-key': KEY_A })).status).toBe(200)
  })

  it('rotates: old and new keys both work while both are configured, the old one stops when removed', async () => {
    const both = authApp({
      CLIENT_KEYS: await clientKeys([
        { key: KEY_A, id: 'v1' },
        { key: KEY_B, id: 'v2' },
      ]),
    })
    expect(await (await get(both.app, '/v1/models/whoami/me', { authorization: `Bearer ${KEY_A}` })).json()).toMatchObject({ id: 'key:v1' })
    expect(await (await get(both.app, '/v1/models/whoami/me', { authorization: `Bearer ${KEY_B}` })).json()).toMatchObject({ id: 'key:v2' })
    const after = authApp({ CLIENT_KEYS: await clientKeys([{ key: KEY_B, id: 'v2' }]) })
    await errorOf(await get(after.app, '/v1/models', { authorization: `Bearer ${KEY_A}` }), 401, 'authentication_error')
    expect((await get(after.app, '/v1/models', { authorization: `Bearer ${KEY_B}` })).status).toBe(200)
  })

  it("carries the key's own limits, models and max_tokens into the identity", async () => {
    const { app } = authApp({
      CLIENT_KEYS: await clientKeys([
        {
          key: KEY_A,
          id: 'limited',
          models: ['fast', 'claude-sonnet-5-5'],
          max_tokens: 300,
          rate_limit: '5/10s',
          token_limit: '1000/1m',
          daily_budget_usd: 0.5,
        },
      ]),
    })
    expect(await (await get(app, '/v1/models/whoami/me', { 'x-api-key': KEY_A })).json()).toEqual({
      kind: 'key',
      id: 'key:limited',
      models: ['claude-haiku-5-5', 'claude-sonnet-5-5'],
      maxTokens: 300,
      limits: { rateLimit: parseRate('5/10s'), tokenLimit: parseRate('1000/1m'), dailyBudgetUsd: 0.5 },
    })
  })

  it('a key from newClientKey (what npm run keys:new prints) works with the entry it prints', async () => {
    const fresh = await newClientKey('generated')
    expect(fresh.key).toMatch(/^ce_sk_[A-Za-z0-9_-]{43}$/)
    expect(fresh.sha256).toBe(await sha256Hex(fresh.key))
    const other = await newClientKey('generated')
    expect(other.key).not.toBe(fresh.key)
    const { app } = authApp({ CLIENT_KEYS: JSON.stringify([fresh.entry]) })
    expect(await (await get(app, '/v1/models/whoami/me', { authorization: `Bearer ${fresh.key}` })).json()).toMatchObject({
      id: 'key:generated',
    })
    await expect(newClientKey('bad id')).rejects.toThrow(/key id/)
  })

  it('the test client key constant matches its hash', async () => {
    expect(await sha256Hex(TEST_CLIENT_KEY)).toBe(TEST_CLIENT_KEY_SHA256)
  })
})
