import { sign } from 'hono/jwt'
import { describe, expect, it } from 'vitest'
import { mintSessionToken } from '../../src/index.ts'
import { parseRate } from '../../src/config.ts'
import { authApp, errorOf, get, hello, post } from './support.ts'

const SECRET = 'session-secret-for-tests-0123456789abcdef'
const OTHER_SECRET = 'another-secret-for-tests-0123456789abcdef'
const env = { SESSION_SECRET: SECRET, CLIENT_KEYS: '[]' }
const now = () => Math.floor(Date.now() / 1000)
const b64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

async function hs256(payload: Record<string, unknown>, secret = SECRET) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return sign(payload as never, key, 'HS256')
}

describe('session tokens', () => {
  it('accepts a token from mintSessionToken, as Bearer and as x-api-key, with identity user:<sub>, plan and limits', async () => {
    const { app } = authApp(env)
    const token = await mintSessionToken(
      {
        sub: 'user-42',
        ttlSeconds: 600,
        plan: 'pro',
        limits: {
          rateLimit: '20/1m',
          tokenLimit: '50000/1m',
          dailyBudgetUsd: 2,
          maxTokens: 512,
          models: ['fast', 'balanced'],
          scopes: ['chat', 'models'],
        },
      },
      SECRET,
    )
    const expected = {
      kind: 'session',
      id: 'user:user-42',
      scopes: ['chat', 'models'],
      models: ['claude-haiku-5-5', 'claude-sonnet-5-5'],
      maxTokens: 512,
      limits: { rateLimit: parseRate('20/1m'), tokenLimit: parseRate('50000/1m'), dailyBudgetUsd: 2 },
      plan: 'pro',
    }
    expect(await (await get(app, '/v1/models/whoami/me', bearer(token))).json()).toEqual(expected)
    expect(await (await get(app, '/v1/models/whoami/me', { 'x-api-key': token })).json()).toEqual(expected)
    expect((await post(app, '/v1/chat', hello, bearer(token))).status).toBe(200)
  })

  it('a minimal token gives a plain identity', async () => {
    const { app } = authApp(env)
    const token = await mintSessionToken({ sub: 'alice@example.com' }, SECRET)
    expect(await (await get(app, '/v1/models/whoami/me', bearer(token))).json()).toEqual({ kind: 'session', id: 'user:alice@example.com' })
  })

  it('refuses an expired token, accepts one inside the 30 s clock skew', async () => {
    const { app } = authApp(env)
    const expired = await hs256({ sub: 'u', exp: now() - 120 })
    expect(await errorOf(await get(app, '/v1/models', bearer(expired)), 401, 'authentication_error')).toMatch(/expired/)
    const justExpired = await hs256({ sub: 'u', exp: now() - 10 })
    expect((await get(app, '/v1/models', bearer(justExpired))).status).toBe(200)
  })

  it('refuses tokens not valid yet, issued in the future, or living longer than 24 h', async () => {
    const { app } = authApp(env)
    for (const [claims, pattern] of [
      [{ sub: 'u', exp: now() + 600, nbf: now() + 300 }, /not valid yet/],
      [{ sub: 'u', exp: now() + 600, iat: now() + 300 }, /issued in the future/],
      [{ sub: 'u', exp: now() + 2 * 86_400 }, /short-lived/],
    ] as const) {
      expect(await errorOf(await get(app, '/v1/models', bearer(await hs256(claims))), 401, 'authentication_error')).toMatch(pattern)
    }
  })

  it('refuses a tampered payload and a tampered signature', async () => {
    const { app } = authApp(env)
    const token = await mintSessionToken({ sub: 'mallory', ttlSeconds: 600 }, SECRET)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const forged = `${header}.${b64url({ ...JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))), sub: 'admin' })}.${signature}`
    expect(await errorOf(await get(app, '/v1/models', bearer(forged)), 401, 'authentication_error')).toMatch(/signature/)
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`
    await errorOf(await get(app, '/v1/models', bearer(`${header}.${payload}.${flipped}`)), 401, 'authentication_error')
    await errorOf(await get(app, '/v1/models', bearer(`${header}.${payload}.`)), 401, 'authentication_error')
  })

  it('refuses a token signed with another secret', async () => {
    const { app } = authApp(env)
    const token = await mintSessionToken({ sub: 'u' }, OTHER_SECRET)
    expect(await errorOf(await get(app, '/v1/models', bearer(token)), 401, 'authentication_error')).toMatch(/SESSION_SECRET/)
  })

  it('refuses alg none, RS256 and HS512 tokens', async () => {
    const { app } = authApp(env)
    const claims = { sub: 'u', exp: now() + 600 }
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`
    const valid = await hs256(claims)
    const noneWithSignature = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.${valid.split('.')[2]}`
    const rsa = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair
    const rs256 = await sign(claims, rsa.privateKey, 'RS256')
    const hs512Key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-512' }, false, [
      'sign',
    ])
    const hs512 = await sign(claims, hs512Key, 'HS512')
    for (const token of [none, noneWithSignature, rs256, hs512]) {
      expect(await errorOf(await get(app, '/v1/models', bearer(token)), 401, 'authentication_error')).toMatch(/HS256|well-formed/)
    }
  })

  it('refuses tokens with missing or invalid claims', async () => {
    const { app } = authApp(env)
    for (const claims of [
      { exp: now() + 600 },
      { sub: 'u' },
      { sub: 'has space', exp: now() + 600 },
      { sub: '', exp: now() + 600 },
      { sub: 42, exp: now() + 600 },
      { sub: 'u', exp: now() + 600, rate_limit: 'lots' },
      { sub: 'u', exp: now() + 600, scopes: ['admin'] },
      { sub: 'u', exp: now() + 600, models: ['gpt-4'] },
      { sub: 'u', exp: String(now() + 600) },
    ]) {
      expect(await errorOf(await get(app, '/v1/models', bearer(await hs256(claims))), 401, 'authentication_error')).toMatch(
        /claims|well-formed/,
      )
    }
  })

  it('says so when session tokens are not configured', async () => {
    const { app } = authApp({ CLIENT_KEYS: '[]' })
    const token = await mintSessionToken({ sub: 'u' }, SECRET)
    expect(await errorOf(await get(app, '/v1/models', bearer(token)), 401, 'authentication_error')).toMatch(
      /SESSION_SECRET is not configured/,
    )
  })

  it('a secret containing PUBLIC or PRIVATE still works (hono/jwt would read it as PEM)', async () => {
    const secret = 'MY-PUBLIC-SITE-PRIVATE-SECRET-0123456789'
    const { app } = authApp({ SESSION_SECRET: secret, CLIENT_KEYS: '[]' })
    const token = await mintSessionToken({ sub: 'u' }, secret)
    expect((await get(app, '/v1/models', bearer(token))).status).toBe(200)
  })

  it('mintSessionToken refuses bad input instead of minting a bad token', async () => {
    await expect(mintSessionToken({ sub: 'u' }, 'short')).rejects.toThrow(/at least 32/)
    await expect(mintSessionToken({ sub: 'u', ttlSeconds: 0 }, SECRET)).rejects.toThrow(/ttlSeconds/)
    await expect(mintSessionToken({ sub: 'u', ttlSeconds: 86_401 }, SECRET)).rejects.toThrow(/ttlSeconds/)
    await expect(mintSessionToken({ sub: 'a b' }, SECRET)).rejects.toThrow(/sub/)
    await expect(mintSessionToken({ sub: 'u', limits: { rateLimit: 'many' } }, SECRET)).rejects.toThrow(/rate_limit/)
    const token = await mintSessionToken({ sub: 'u', ttlSeconds: 60 }, SECRET)
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')))
    expect(payload.exp - payload.iat).toBe(60)
    expect(JSON.parse(atob(token.split('.')[0]!))).toEqual({ alg: 'HS256', typ: 'JWT' })
  })
})

describe('session tokens: canonical signatures, rotation, origin binding, assistants', () => {
  it('refuses a non-canonical spelling of a valid signature (same bytes, another token)', async () => {
    const { app } = authApp(env)
    const token = await hs256({ sub: 'u', exp: now() + 600 })
    expect((await get(app, '/v1/models', bearer(token))).status).toBe(200)
    const signature = token.slice(token.lastIndexOf('.') + 1)
    // The last character carries 2 unused bits: flipping them decodes to the same 32 bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(signature.at(-1)!)
    const twin = `${token.slice(0, -1)}${alphabet[last ^ 1]}`
    expect(await errorOf(await get(app, '/v1/models', bearer(twin)), 401, 'authentication_error')).toMatch(/signature is not canonical/)
    expect(await errorOf(await get(app, '/v1/models', bearer(`${token}=`)), 401, 'authentication_error')).toMatch(/not canonical/)
  })

  it('accepts SESSION_SECRET_PREVIOUS during a rotation, and only it besides the current one', async () => {
    const { app } = authApp({ ...env, SESSION_SECRET_PREVIOUS: OTHER_SECRET })
    expect((await get(app, '/v1/models', bearer(await hs256({ sub: 'u', exp: now() + 600 }, OTHER_SECRET)))).status).toBe(200)
    expect((await get(app, '/v1/models', bearer(await hs256({ sub: 'u', exp: now() + 600 }, SECRET)))).status).toBe(200)
    const third = await hs256({ sub: 'u', exp: now() + 600 }, 'a-third-secret-0123456789abcdefghijklmn')
    expect(await errorOf(await get(app, '/v1/models', bearer(third)), 401, 'authentication_error')).toMatch(/signature does not match/)
    const { app: rotated } = authApp(env)
    await errorOf(
      await get(rotated, '/v1/models', bearer(await hs256({ sub: 'u', exp: now() + 600 }, OTHER_SECRET))),
      401,
      'authentication_error',
    )
  })

  it('binds a token to page origins with aud (mintSessionToken audience)', async () => {
    const { app } = authApp({ ...env, ALLOWED_ORIGINS: 'https://shop.example.com,https://evil.example' })
    const token = await mintSessionToken({ sub: 'u', audience: 'https://shop.example.com' }, SECRET)
    expect((await get(app, '/v1/models', { ...bearer(token), origin: 'https://shop.example.com' })).status).toBe(200)
    expect(
      await errorOf(await get(app, '/v1/models', { ...bearer(token), origin: 'https://evil.example' }), 401, 'authentication_error'),
    ).toMatch(/bound to other origins \(aud\)/)
    expect(await errorOf(await get(app, '/v1/models', bearer(token)), 401, 'authentication_error')).toMatch(/comes from no Origin/)
    const many = await hs256({ sub: 'u', exp: now() + 600, aud: ['https://a.example', 'https://shop.example.com'] })
    expect((await get(app, '/v1/models', { ...bearer(many), origin: 'https://shop.example.com' })).status).toBe(200)
  })

  it('carries assistants and allow in its claims', async () => {
    const { app } = authApp(env)
    const token = await mintSessionToken({ sub: 'u', limits: { assistants: ['support'], allow: ['web_search'] } }, SECRET)
    expect(await (await get(app, '/v1/models/whoami/me', bearer(token))).json()).toMatchObject({
      assistants: ['support'],
      allow: ['web_search'],
    })
  })
})
