import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import app from '../../examples/hono-app/src/worker.ts'
import { TEST_CLIENT_KEY, TEST_CLIENT_KEYS } from '../support/credentials.ts'

// The README's "own Hono app" recipe, as examples/hono-app/wrangler.toml runs it, plus a client key.
const env = { UPSTREAM: 'simulator', SITE_NAME: 'Example Shop', CLIENT_KEYS: TEST_CLIENT_KEYS }

async function call(path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext()
  const res = await app.fetch(new Request(`http://example.local${path}`, init), env, ctx)
  const body = await res.text()
  await waitOnExecutionContext(ctx)
  return { status: res.status, headers: res.headers, body }
}

const chat = (content: string, headers: Record<string, string> = { authorization: `Bearer ${TEST_CLIENT_KEY}` }) =>
  call('/ai/v1/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content }] }),
  })

describe('examples/hono-app: the library composed into an existing Hono app', () => {
  it('keeps its own routes', async () => {
    expect(await call('/')).toMatchObject({ status: 200, body: 'Welcome to Example Shop' })
  })

  it('runs a chat with its own tool under /ai, with the config parsed from the bindings', async () => {
    const { status, body } = await chat('Sunday? [sim tool=opening_hours {"day":"sunday"}] [sim step=2 text="Closed on Sundays."]')
    expect(status).toBe(200)
    const reply = JSON.parse(body)
    expect(reply.text).toBe('Closed on Sundays.')
    const step = reply.steps.find((s: { type: string }) => s.type === 'tool')
    expect(JSON.parse(step.output)).toEqual({ day: 'sunday', hours: 'closed', site: 'Example Shop' })
  })

  it('answers errors as the contract says without an onError of its own (GatewayError#getResponse)', async () => {
    const { status, headers, body } = await chat('hi', {})
    expect(status).toBe(401)
    expect(headers.get('content-type')).toContain('application/json')
    const error = JSON.parse(body)
    expect(error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } })
    expect(error.error.message).toContain('Missing credential')
    // The request id of the body is the one of the header, not a placeholder.
    expect(error.request_id).toBe(headers.get('request-id'))
    expect(error.request_id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('limits the body size on the routes that read one', async () => {
    const { status, body } = await chat('x'.repeat(2_000_000))
    expect(status).toBe(413)
    expect(JSON.parse(body).error.type).toBe('request_too_large')
  })

  it('counts usage through the gateway’s limiter', async () => {
    await chat('hello')
    const { status, body } = await call('/ai/v1/usage', { headers: { authorization: `Bearer ${TEST_CLIENT_KEY}` } })
    expect(status).toBe(200)
    expect(JSON.parse(body)).toMatchObject({ identity: 'key:test' })
  })
})
