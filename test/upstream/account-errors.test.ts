import Anthropic from '@anthropic-ai/sdk'
import { APIError } from '@anthropic-ai/sdk/core/error'
import { describe, expect, it } from 'vitest'
import { classifyFailure } from '../../src/upstream/errors.ts'
import { instantRetries, makeApp, postJson } from '../support/app.ts'
import { TEST_CLIENT_KEY } from '../support/credentials.ts'
import { frameReader, uiParts } from '../stream/support.ts'

// An upstream error about our account (credit, billing, permissions, our key) is the operator's
// problem: the caller gets a 502 `upstream_error` that says so, never a 400 that blames them,
// and never the account's details (they go to the log).

const CREDIT = 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.'

/** Account errors as a 400, each with words that must not reach the caller. */
const ACCOUNT_400S = [
  ['a 400 about our credit balance (as Anthropic sends it)', `[sim status=400 message="${CREDIT}"]`, 'credit balance'],
  ['a 400 billing_error', '[sim status=400 type=billing_error message="Billing hold on org Acme-Secret"]', 'Acme-Secret'],
  ['a 400 permission_error', '[sim status=400 type=permission_error message="Key of Acme-Secret may not use this model"]', 'Acme-Secret'],
  ['a 400 authentication_error', '[sim status=400 type=authentication_error message="Key of Acme-Secret was revoked"]', 'Acme-Secret'],
  ['a 400 about a disabled organization', '[sim status=400 message="This organization Acme-Secret has been disabled."]', 'Acme-Secret'],
  ['a 400 about the workspace', '[sim status=400 message="Workspace Acme-Secret is archived."]', 'Acme-Secret'],
  ['a 400 about the API key', '[sim status=400 message="This API key of Acme-Secret cannot use the Messages API."]', 'Acme-Secret'],
] as const

const fresh = () => makeApp({}, undefined, instantRetries)
const ask = (content: string) => ({ messages: [{ role: 'user', content }] })
const passthrough = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'balanced',
  max_tokens: 100,
  messages: [{ role: 'user', content }],
  ...extra,
})

describe.each(ACCOUNT_400S)('%s', (_name, directive, detail) => {
  it('/v1/chat: 502 upstream_error for the operator, no retry, no account detail', async () => {
    const { app, simulator } = fresh()
    const res = await postJson(app, '/v1/chat', ask(`hi ${directive}`))
    const text = await res.text()
    expect(res.status).toBe(502)
    const body = JSON.parse(text)
    expect(body.error.type).toBe('upstream_error')
    expect(body.error.message).toMatch(/misconfigured.*operator/)
    expect(text).not.toContain(detail)
    expect(simulator.requests).toHaveLength(1)
  })

  it("/v1/messages: 502 upstream_error in Anthropic's error shape, for the official SDK too", async () => {
    const { app, simulator } = fresh()
    const res = await postJson(app, '/v1/messages', passthrough(`hi ${directive}`))
    const text = await res.text()
    expect(res.status).toBe(502)
    expect(JSON.parse(text)).toEqual({
      type: 'error',
      error: { type: 'upstream_error', message: expect.stringMatching(/misconfigured.*operator/) },
      request_id: expect.any(String),
    })
    expect(text).not.toContain(detail)
    expect(simulator.requests).toHaveLength(1)

    const client = new Anthropic({
      apiKey: TEST_CLIENT_KEY,
      baseURL: 'http://gateway.local',
      maxRetries: 0,
      fetch: (async (url: RequestInfo | URL, init?: RequestInit) => app.request(String(url), init)) as typeof fetch,
    })
    const err = await client.messages.create(passthrough(`hi ${directive}`) as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Anthropic.APIError)
    expect((err as APIError).status).toBe(502)
  })
})

describe('account errors on the streaming routes', () => {
  it('/v1/messages with stream: the 400 about our credit ends the stream with an upstream_error event', async () => {
    const { app } = fresh()
    const res = await postJson(app, '/v1/messages', passthrough(`hi [sim status=400 message="${CREDIT}"]`, { stream: true }))
    const events = (await frameReader(res).all()).filter((f) => f.kind === 'event') as { event: string; data: string }[]
    expect(events.map((e) => e.event)).toEqual(['error'])
    expect(JSON.parse(events[0]!.data).error).toMatchObject({ type: 'upstream_error', message: expect.stringMatching(/misconfigured/) })
    expect(events[0]!.data).not.toContain('credit')
  })

  it("/v1/chat/stream: a billing_error event mid-stream is an upstream_error part, not the caller's fault", async () => {
    const { app } = fresh()
    const res = await postJson(
      app,
      '/v1/chat/stream',
      ask('hi [sim tokens=10] [sim error=billing_error message="Billing hold on org Acme-Secret" after=6]'),
    )
    const parts = uiParts(await frameReader(res).all())
    const error = parts.find((p) => p.type === 'error')
    expect(error.errorText).toMatch(/^upstream_error: .*misconfigured/)
    expect(JSON.stringify(parts)).not.toContain('Acme-Secret')
  })
})

describe('classifyFailure', () => {
  /** The error the SDK throws: for a status, its subclass; without one, for an `event: error` frame mid-stream. */
  const apiError = (status: number | undefined, type: string, message: string) => {
    const body = { type: 'error', error: { type, message } }
    return status === undefined
      ? new APIError(undefined, body, undefined, new Headers())
      : APIError.generate(status, body, undefined, new Headers())
  }

  it.each([
    [400, 'invalid_request_error', CREDIT],
    [400, 'invalid_request_error', 'Your organization has been disabled.'],
    [400, 'billing_error', 'Billing hold'],
    [400, 'permission_error', 'Not allowed'],
    [undefined, 'billing_error', 'Billing hold'], // an `event: error` frame mid-stream
    [undefined, 'permission_error', 'Not allowed'],
  ])('%s %s "%s" is ours to fix: misconfigured', (status, type, message) => {
    expect(classifyFailure(apiError(status, type, message)).kind).toBe('misconfigured')
  })

  it.each([
    [400, 'invalid_request_error', 'messages.0.content: Input should be a valid list'],
    [400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'],
    [404, 'not_found_error', 'model: claude-nope'],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  ])('%s %s "%s" is about the request: bad_request, its message kept', (status, type, message) => {
    expect(classifyFailure(apiError(status, type, message))).toMatchObject({ kind: 'bad_request', message })
  })

  it("a caller's 400 still reaches the caller as a 400 with the upstream's message", async () => {
    const { app } = fresh()
    const res = await postJson(app, '/v1/chat', ask('hi [sim status=400 message="messages.0.content: too many images"]'))
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining('too many images'),
    })
  })
})
