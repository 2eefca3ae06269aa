import Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { makeApp, postJson } from '../support/app.ts'
import { TEST_CLIENT_KEY } from '../support/credentials.ts'

type App = ReturnType<typeof makeApp>['app']

/** The official SDK pointed at the gateway, its retries on as a user has them (2). */
function sdk(app: App, calls: { n: number } = { n: 0 }) {
  return new Anthropic({
    apiKey: TEST_CLIENT_KEY,
    baseURL: 'http://gateway.local',
    fetch: (async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.n++
      return app.request(String(url), init)
    }) as typeof fetch,
  })
}

const user = (content: string) => [{ role: 'user' as const, content }]
const fastRetries = { upstream: { sleep: async () => {} } }

describe('Anthropic SDK fidelity on /v1/messages', () => {
  it('sends request-id, so _request_id, error.request_id and requestID are set (and CORS exposes it)', async () => {
    const { app } = makeApp({ ALLOWED_ORIGINS: 'https://site.example' })
    const message = await sdk(app).messages.create({ model: 'claude-haiku-5-5', max_tokens: 20, messages: user('Hi [sim tokens=3]') })
    expect(message._request_id).toMatch(/^[0-9a-f-]{36}$/)
    const error = await sdk(app)
      .messages.create({ model: 'claude-haiku-5-5', max_tokens: 20, messages: [] })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Anthropic.BadRequestError)
    expect((error as InstanceType<typeof Anthropic.APIError>).requestID).toMatch(/^[0-9a-f-]{36}$/)
    const res = await app.request('/v1/models', { headers: { origin: 'https://site.example' } })
    expect(res.headers.get('request-id')).toBe(res.headers.get('x-request-id'))
    expect(res.headers.get('access-control-expose-headers')).toMatch(/(^|,)request-id(,|$)/)
  })

  it('an upstream overload the gateway already retried is 529 OverloadedError with x-should-retry: false: the SDK does not retry it', async () => {
    const { app, simulator } = makeApp({}, undefined, fastRetries.upstream)
    const calls = { n: 0 }
    const error = await sdk(app, calls)
      .messages.create({ model: 'claude-haiku-5-5', max_tokens: 20, messages: user('Hi [sim status=529]') })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Anthropic.InternalServerError)
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529)
    expect((error as { error: { error: { type: string } } }).error.error.type).toBe('overloaded_error')
    expect(calls.n).toBe(1) // one SDK attempt; the gateway did the retries
    expect(simulator.requests.length).toBeGreaterThan(1)
    const raw = await postJson(app, '/v1/messages', { model: 'claude-haiku-5-5', max_tokens: 20, messages: user('Hi [sim status=529]') })
    expect(raw.headers.get('x-should-retry')).toBe('false')
  })

  it('with an alias, makes the adjustments the SDK could not: sampling dropped, forced tool use sent as auto, and says so', async () => {
    const { app, simulator } = makeApp()
    const res = await postJson(app, '/v1/messages', {
      model: 'balanced',
      max_tokens: 50,
      temperature: 0.3,
      messages: user('Hi [sim tokens=3]'),
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'lookup' },
    })
    expect(res.status).toBe(200)
    const sent = simulator.requests.at(-1)!.body as Record<string, unknown>
    expect(sent).not.toHaveProperty('temperature')
    expect(sent.tool_choice).toEqual({ type: 'auto' })
    expect(res.headers.get('x-claude-edge-warnings')).toBe(
      'temperature is not supported by claude-sonnet-5-5 and was ignored; tool_choice "tool" (forced tool use) is not supported by claude-sonnet-5-5; it was sent as "auto"',
    )
    // With the full id, the request is passed through as sent (and the API answers as it does).
    const exact = await postJson(app, '/v1/messages', {
      model: 'claude-sonnet-5-5',
      max_tokens: 50,
      temperature: 0.3,
      messages: user('Hi'),
    })
    expect(exact.status).toBe(400)
    expect(exact.headers.get('x-claude-edge-warnings')).toBeNull()
  })

  it("GET /v1/models/:id in Anthropic's shape; an unknown model is 404 NotFoundError on both routes", async () => {
    const { app } = makeApp()
    const model = await sdk(app).models.retrieve('fast')
    expect(model).toMatchObject({ type: 'model', id: 'claude-haiku-5-5', display_name: 'Claude Haiku 5.5' })
    expect(model._request_id).toBeTruthy()
    await expect(sdk(app).models.retrieve('gpt-5')).rejects.toBeInstanceOf(Anthropic.NotFoundError)
    const error = await sdk(app)
      .messages.create({ model: 'claude-nope', max_tokens: 10, messages: user('Hi') })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Anthropic.NotFoundError)
    expect((error as { error: { error: { type: string; message: string } } }).error.error).toMatchObject({
      type: 'not_found_error',
      message: expect.stringMatching(/unknown model "claude-nope"/),
    })
  })

  it('a path without /v1 is a 404 that names the path to use', async () => {
    const { app } = makeApp()
    const res = await postJson(app, '/messages', { model: 'fast', max_tokens: 10, messages: user('Hi') })
    expect(res.status).toBe(404)
    const body = (await res.json()) as { error: { type: string; message: string } }
    expect(body.error.type).toBe('not_found_error')
    expect(body.error.message).toMatch(
      /^No route for POST \/messages\. Did you mean \/v1\/messages\? .*AI SDK's Anthropic provider and OpenAI clients take '<worker>\/v1'/,
    )
    const doubled = await postJson(app, '/v1/v1/messages', {})
    expect(((await doubled.json()) as { error: { message: string } }).error.message).toMatch(
      /Did you mean \/v1\/messages\? This client's baseURL ends in \/v1/,
    )
  })
})
