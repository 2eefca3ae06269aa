import type { Hono } from 'hono'
import { expect } from 'vitest'
import { makeApp } from '../support/app.ts'

// Any Hono app: createApp's is typed with the gateway's variables (Hono<GatewayEnv>).
type AnyHono = Hono<any, any, any>

export const hello = { messages: [{ role: 'user', content: 'Hello there' }] }

/** Two keys as `npm run keys:new` makes them (fixed here so tests are deterministic). */
export const KEY_A = 'ce_sk_a9JkN2lQ-xS5vT8bW1yZ3cE6gH0iL4mO7pR2sU5vX8z'
export const KEY_B = 'ce_sk_B4dF7hJ0kM3nP6qS9tV2wY5zA8cE1gI4jL7mO0rT3uW'

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

export async function clientKeys(entries: { key: string; id: string; [field: string]: unknown }[]): Promise<string> {
  return JSON.stringify(await Promise.all(entries.map(async ({ key, ...rest }) => ({ ...rest, sha256: await sha256Hex(key) }))))
}

/**
 * An app whose requests carry only the credentials a test gives them, plus a test-only route
 * under the `models` scope that shows the identity `authenticate` established.
 */
export function authApp(env: Record<string, string>) {
  const made = makeApp(env, undefined, undefined, { testKey: false })
  made.app.get('/v1/models/whoami/me', (c) => c.json(c.get('identity')))
  return made
}

export function get(app: AnyHono, path: string, headers: Record<string, string> = {}) {
  return app.request(path, { headers })
}

export function post(app: AnyHono, path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

export async function errorOf(res: Response, status: number, type: string) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string }
  expect(body.type).toBe('error')
  expect(body.error.type).toBe(type)
  expect(body.request_id).toBe(res.headers.get('x-request-id'))
  return body.error.message
}
