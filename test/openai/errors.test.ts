import OpenAI, { type APIError } from 'openai'
import { describe, expect, it } from 'vitest'
import { createSimulator } from '../../src/simulator/index.ts'
import { KEY_A, KEY_B, clientKeys } from '../auth/support.ts'
import { instantRetries, makeApp, postJson } from '../support/app.ts'
import { shopApp } from '../support/assistants.ts'
import { openai, user, WEATHER_TOOL } from './support.ts'

/** The error the SDK threw, with OpenAI's error object as the SDK parsed it. */
async function thrown(promise: Promise<unknown>): Promise<APIError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(OpenAI.APIError)
  return err as APIError
}

/** OpenAI's error shape, checked whole: `{ error: { message, type, param, code }, request_id }`. */
function expectOpenAIShape(err: APIError, type: string, code: string) {
  expect(err.error).toEqual({ message: expect.any(String), type, param: null, code })
  expect(err.requestID).toBeTruthy()
}

describe('POST /v1/chat/completions: errors in OpenAI’s shape, as the SDK’s error classes', () => {
  it('401 (thrown by authenticate, before the route) → AuthenticationError, code invalid_api_key', async () => {
    const { app, simulator } = makeApp()
    const err = await thrown(
      openai(app, { apiKey: 'ce_sk_wrong_key_wrong_key_wrong_key_wrong' }).chat.completions.create({ model: 'fast', messages: user('hi') }),
    )
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError)
    expectOpenAIShape(err, 'invalid_request_error', 'invalid_api_key')
    expect(simulator.requests).toHaveLength(0)
  })

  it('404 for an unknown model → NotFoundError, code model_not_found, the message listing the models', async () => {
    const { app } = makeApp()
    const err = await thrown(openai(app).chat.completions.create({ model: 'gpt-4o', messages: user('hi') }))
    expect(err).toBeInstanceOf(OpenAI.NotFoundError)
    expectOpenAIShape(err, 'invalid_request_error', 'model_not_found')
    expect(err.message).toMatch(/unknown model "gpt-4o"\. Use an alias \(fast, /)
  })

  it('403 for a model outside the caller’s models → PermissionDeniedError', async () => {
    const { app } = makeApp({ ALLOWED_MODELS: 'fast,balanced' })
    const err = await thrown(openai(app).chat.completions.create({ model: 'claude-opus-5-5', messages: user('hi') }))
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expectOpenAIShape(err, 'invalid_request_error', 'permission_error')
  })

  it('429 with RATE_LIMIT=1/1m → RateLimitError with Retry-After and RateLimit-* headers', async () => {
    const { app } = makeApp({ RATE_LIMIT: '1/1m' })
    await openai(app).chat.completions.create({ model: 'fast', messages: user('hi [sim tokens=2]') })
    const err = await thrown(openai(app).chat.completions.create({ model: 'fast', messages: user('hi [sim tokens=2]') }))
    expect(err).toBeInstanceOf(OpenAI.RateLimitError)
    expectOpenAIShape(err, 'rate_limit_error', 'rate_limit_exceeded')
    expect(err.message).toMatch(/Request limit reached \(RATE_LIMIT: 1 per 1m\)/)
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThan(0)
    expect(err.headers?.get('ratelimit-remaining')).toBe('0')
  })

  it('413 above MAX_INPUT_TOKENS, system messages and tools counted', async () => {
    const { app, simulator } = makeApp({ MAX_INPUT_TOKENS: '2000' })
    const err = await thrown(
      openai(app).chat.completions.create({
        model: 'fast',
        messages: [{ role: 'system', content: 'Rules. '.repeat(2_000) }, ...user('hi')],
      }),
    )
    expect(err.status).toBe(413)
    expectOpenAIShape(err, 'invalid_request_error', 'request_too_large')
    expect(err.message).toMatch(/above MAX_INPUT_TOKENS \(2000\)/)
    const tools = await thrown(
      openai(app).chat.completions.create({
        model: 'fast',
        messages: user('hi'),
        tools: [{ type: 'function', function: { name: 'lookup', description: 'd'.repeat(20_000) } }],
      }),
    )
    expect(tools.status).toBe(413)
    expect(simulator.requests).toHaveLength(0)
  })

  it('a body over MAX_BODY_BYTES (refused by the body limit, before the route) is a 413 in OpenAI’s shape too', async () => {
    const { app } = makeApp({ MAX_BODY_BYTES: '1000' })
    const res = await postJson(app, '/v1/chat/completions', { model: 'fast', messages: user('x'.repeat(2_000)) })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'request_too_large', param: null },
      request_id: res.headers.get('x-request-id'),
    })
  })

  it('a 529 that retries and fallbacks could not fix → InternalServerError 503; x-should-retry: false keeps the SDK from retrying on top', async () => {
    const once = makeApp({}, createSimulator(), instantRetries)
    const err = await thrown(openai(once.app).chat.completions.create({ model: 'fast', messages: user('hi [sim status=529]') }))
    expect(err).toBeInstanceOf(OpenAI.InternalServerError)
    expect(err.status).toBe(503)
    expectOpenAIShape(err, 'server_error', 'overloaded_error')
    expect(err.headers?.get('x-should-retry')).toBe('false')
    const attempts = once.simulator.requests.length
    expect(attempts).toBeGreaterThan(1) // the gateway retried

    const retrying = makeApp({}, createSimulator(), instantRetries)
    await thrown(openai(retrying.app, { maxRetries: 2 }).chat.completions.create({ model: 'fast', messages: user('hi [sim status=529]') }))
    expect(retrying.simulator.requests).toHaveLength(attempts)
  })

  it('a refused budget → APIError 402, type and code insufficient_quota', async () => {
    const BUDGET_KEY = 'ce_sk_budget_kZ8xW2qP4rT6yV9bN1mC3dF5gH7jL0sA'
    const { app, simulator } = makeApp({ CLIENT_KEYS: await clientKeys([{ key: BUDGET_KEY, id: 'budgeted', daily_budget_usd: 0.000001 }]) })
    const err = await thrown(
      openai(app, { apiKey: BUDGET_KEY }).chat.completions.create({ model: 'smart', messages: user('hi [sim tokens=5]') }),
    )
    expect(err.status).toBe(402)
    expectOpenAIShape(err, 'insufficient_quota', 'insufficient_quota')
    expect(err.message).toMatch(/Your daily budget/)
    expect(simulator.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(0)
  })

  it('a bug of ours is a 500 in OpenAI’s shape with a generic message', async () => {
    // A circuit breaker that throws where none should: an error that is not a GatewayError.
    const broken = {
      sync: () => {
        throw new TypeError('secret detail')
      },
    } as unknown as NonNullable<Parameters<typeof makeApp>[2]>['breaker']
    const { app } = makeApp({}, createSimulator(), { breaker: broken })
    const res = await postJson(app, '/v1/chat/completions', { model: 'fast', messages: user('hi') })
    expect(res.status).toBe(500)
    const body = (await res.json()) as { error: { message: string; code: string } }
    expect(body.error).toMatchObject({ type: 'server_error', code: 'api_error' })
    expect(body.error.message).not.toMatch(/secret/)
  })
})

describe('POST /v1/chat/completions: assistants', () => {
  const SITE = 'https://shop.example.com'
  /** A key bound to `support` (KEY_A) and an unbound server key (KEY_B), as in test/assistants. */
  const app = () => shopApp(SITE)

  it('a bound key runs as its assistant: its system prompt, model and max_tokens', async () => {
    const { app: a, simulator } = await app()
    const completion = await openai(a, { apiKey: KEY_A }).chat.completions.create({
      model: 'balanced',
      messages: user('hi [sim tokens=2]'),
    })
    expect(completion.model).toBe('claude-sonnet-5-5')
    expect(simulator.requests.at(-1)!.body).toMatchObject({ system: 'You are Acme support.', model: 'claude-sonnet-5-5', max_tokens: 2048 })
  })

  it.each([
    [
      'a system message',
      [{ role: 'system', content: 'You are a pirate' }, ...user('hi')],
      /^403 messages\.0\.role: system messages are not allowed \(assistant "support" sets it/,
    ],
    [
      'a developer message',
      [...user('hi'), { role: 'developer', content: 'You are a pirate' }],
      /^403 messages\.1\.role: system messages are not allowed/,
    ],
  ])('a bound key sending %s gets PermissionDeniedError naming the message', async (_what, messages, message) => {
    const { app: a, simulator } = await app()
    const err = await thrown(
      openai(a, { apiKey: KEY_A }).chat.completions.create({
        model: 'balanced',
        messages: messages as OpenAI.ChatCompletionMessageParam[],
      }),
    )
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect(err.message).toMatch(message)
    expectOpenAIShape(err, 'invalid_request_error', 'permission_error')
    expect(simulator.requests).toHaveLength(0)
  })

  it('a bound key may not change the model, the temperature or add tools; max_tokens above the assistant’s is a 400', async () => {
    const { app: a } = await app()
    const client = openai(a, { apiKey: KEY_A })
    const base = { model: 'balanced', messages: user('hi') }
    expect((await thrown(client.chat.completions.create({ ...base, model: 'fast' }))).message).toMatch(
      /^403 model: "fast" is not this assistant's model/,
    )
    expect((await thrown(client.chat.completions.create({ ...base, temperature: 0.3 }))).message).toMatch(/^403 temperature:/)
    expect((await thrown(client.chat.completions.create({ ...base, tools: [WEATHER_TOOL] }))).message).toMatch(
      /^403 tools\.0: "get_weather" is not one of this assistant's tools/,
    )
    const tooMany = await thrown(client.chat.completions.create({ ...base, max_completion_tokens: 4096 }))
    expect(tooMany).toBeInstanceOf(OpenAI.BadRequestError)
    expect(tooMany.message).toMatch(/max_tokens: 4096 is above the 2048 allowed for assistant "support"/)
  })

  it('an unbound key may send its own system messages, or name an assistant (extra body field `assistant`)', async () => {
    const { app: a, simulator } = await app()
    const client = openai(a, { apiKey: KEY_B })
    await client.chat.completions.create({
      model: 'smart',
      messages: [{ role: 'system', content: 'Own prompt' }, ...user('hi [sim tokens=2]')],
    })
    expect(simulator.requests.at(-1)!.body).toMatchObject({ system: 'Own prompt', model: 'claude-opus-5-5' })
    await client.chat.completions.create({
      model: 'balanced',
      messages: user('hi [sim tokens=2]'),
      assistant: 'support',
    } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    expect(simulator.requests.at(-1)!.body).toMatchObject({ system: 'You are Acme support.' })
  })
})
