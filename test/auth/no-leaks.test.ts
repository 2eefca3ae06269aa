import { sign } from 'hono/jwt'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { mintSessionToken } from '../../src/index.ts'
import { anonymousEnv } from '../support/assistants.ts'
import { executionContext } from '../support/execution-context.ts'
import { KEY_A, KEY_B, authApp, clientKeys, hello, sha256Hex } from './support.ts'

const SECRET = 'no-leak-session-secret-0123456789abcdefgh'
const SITE = 'https://app.example.com'

afterEach(() => vi.restoreAllMocks())

describe('secrets never reach a response or a log line', () => {
  it('keys, key hashes, session tokens and the session secret appear in no body, header or console output', async () => {
    const logged: string[] = []
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation(
        (...args: unknown[]) => void logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
      )
    }
    const { app } = authApp({
      CLIENT_KEYS: await clientKeys([{ key: KEY_A, id: 'a' }]),
      SESSION_SECRET: SECRET,
      ...anonymousEnv(SITE),
    })
    const token = await mintSessionToken({ sub: 'user-1' }, SECRET)
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const hmac = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const expired = await sign({ sub: 'user-1', exp: 1 }, hmac, 'HS256')
    const tampered = `${header}.${payload}.${signature.split('').reverse().join('')}`
    const secrets = [
      KEY_A,
      KEY_B,
      await sha256Hex(KEY_A),
      await sha256Hex(KEY_B),
      SECRET,
      token,
      signature,
      expired,
      expired.split('.')[2]!,
      tampered.split('.')[2]!,
    ]

    const requests: [string, RequestInit][] = [
      ['/v1/chat', { method: 'POST', headers: { authorization: `Bearer ${KEY_A}` }, body: JSON.stringify(hello) }],
      [
        '/v1/chat',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY_A}` },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'hi [sim status=500]' }] }),
        },
      ],
      ['/v1/chat', { method: 'POST', headers: { authorization: `Bearer ${KEY_A}` }, body: '{not json' }],
      ['/v1/chat', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ ...hello, model: 'nope' }) }],
      ['/v1/models', { headers: { authorization: `Bearer ${KEY_B}` } }],
      ['/v1/models', { headers: { 'x-api-key': KEY_B, authorization: `Bearer ${KEY_A}` } }],
      ['/v1/models', { headers: { authorization: `Bearer ${expired}` } }],
      ['/v1/models', { headers: { authorization: `Bearer ${tampered}` } }],
      ['/v1/models', { headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' } }],
      ['/v1/models', { headers: { authorization: `Basic ${KEY_A}` } }],
      ['/v1/models', { headers: { 'x-api-key': `${KEY_A} ${KEY_B}` } }],
      ['/v1/nope', { headers: { authorization: `Bearer ${token}` } }],
      ['/healthz', { headers: { authorization: `Bearer ${KEY_A}` } }],
    ]
    const answers: string[] = []
    const { ctx, settled } = executionContext()
    for (const [path, init] of requests) {
      const res = await app.request(path, init, {}, ctx)
      answers.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`)
    }
    await settled() // the log lines written after each response

    expect(answers.filter((a) => a.startsWith('200')).length).toBeGreaterThan(1)
    // One request log line per request (written off the response path): the check below looks at real lines.
    const requestLines = logged
      .filter((line) => line.includes('"msg":"request"'))
      .map((line) => JSON.parse(line) as { route: string; status: number })
    expect(requestLines.map((line) => `${line.route} ${line.status}`)).toEqual(answers.map((a, i) => `${requests[i]![0]} ${a.slice(0, 3)}`))
    for (const secret of secrets) {
      for (const text of [...answers, ...logged])
        expect(text.includes(secret), `leaked ${secret.slice(0, 12)}… in ${text.slice(0, 200)}`).toBe(false)
    }
  })
})
