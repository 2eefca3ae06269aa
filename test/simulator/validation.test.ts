import { describe, expect, it } from 'vitest'
import { ask, HEADERS, post, setup } from './helpers.ts'
import { countTokens } from '../../src/simulator/index.ts'

async function errorOf(res: Response) {
  const body = (await res.json()) as { type: string; error: { type: string; message: string }; request_id: string }
  expect(body.type).toBe('error')
  expect(body.request_id).toBe(res.headers.get('request-id'))
  expect(body.request_id).toMatch(/^req_011C\w{22}$/)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return { status: res.status, ...body.error }
}

const v2026 = { ...HEADERS, 'anthropic-version': '2026-10-21' }
const tools = [{ name: 'lookup', input_schema: { type: 'object' } }]

describe('authentication and version', () => {
  it('401 without a key, with an unknown key; accepts x-api-key and Bearer', async () => {
    const { sim } = setup()
    const { 'x-api-key': _key, ...noKey } = HEADERS
    expect(await errorOf(await post(sim, ask('x'), noKey))).toMatchObject({ status: 401, type: 'authentication_error' })
    expect(await errorOf(await post(sim, ask('x'), { ...HEADERS, 'x-api-key': 'nope' }))).toMatchObject({
      status: 401,
      type: 'authentication_error',
    })
    expect((await post(sim, ask('x'), { ...noKey, authorization: 'Bearer sk-ant-abc' })).status).toBe(200)
    expect(sim.requests.map((r) => r.headers.auth)).toEqual(['none', 'x-api-key', 'bearer'])
    expect(JSON.stringify(sim.requests)).not.toContain('sk-ant-abc')
  })

  it('apiKeys restricts the accepted keys', async () => {
    const { sim } = setup({ apiKeys: ['only-this'] })
    expect((await post(sim, ask('x'), { ...HEADERS, 'x-api-key': 'sk-ant-other' })).status).toBe(401)
    expect((await post(sim, ask('x'), { ...HEADERS, 'x-api-key': 'only-this' })).status).toBe(200)
  })

  it('400 without anthropic-version or with an unknown one', async () => {
    const { sim } = setup()
    const { 'anthropic-version': _v, ...noVersion } = HEADERS
    expect(await errorOf(await post(sim, ask('x'), noVersion))).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    })
    expect((await post(sim, ask('x'), { ...HEADERS, 'anthropic-version': '2099-01-01' })).status).toBe(400)
  })
})

describe('body validation', () => {
  it.each<[string, unknown, RegExp]>([
    ['not JSON', '{"model":', /not valid JSON/],
    ['missing max_tokens', { model: 'claude-haiku-5-5', messages: [{ role: 'user', content: 'x' }] }, /^max_tokens: Field required/],
    ['negative max_tokens', ask('x', { max_tokens: -1 }), /max_tokens/],
    ['missing model', { max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, /^model: Field required/],
    ['empty messages', ask('x', { messages: [] }), /at least one message/],
    [
      'assistant first',
      ask('x', {
        messages: [
          { role: 'assistant', content: 'hi' },
          { role: 'user', content: 'x' },
        ],
      }),
      /first message must use the "user" role/,
    ],
    ['bad role', ask('x', { messages: [{ role: 'robot', content: 'x' }] }), /messages\.0\.role/],
    ['block without type', ask('x', { messages: [{ role: 'user', content: [{ text: 'x' }] }] }), /messages\.0\.content\.0\.type/],
    ['unknown field', ask('x', { foo: 1 }), /^foo: Extra inputs are not permitted/],
    ['max_tokens above the model maximum', ask('x', { model: 'claude-haiku-4-5', max_tokens: 64001 }), /64001 > 64000.*claude-haiku-4-5/],
    ['tool without input_schema', ask('x', { tools: [{ name: 'a' }] }), /input_schema/],
    ['duplicate tools', ask('x', { tools: [...tools, ...tools] }), /unique/],
    ['tool_choice of an unknown tool', ask('x', { tools, tool_choice: { type: 'tool', name: 'other' } }), /tool_choice\.name/],
    ['thinking budget under 1024', ask('x', { thinking: { type: 'enabled', budget_tokens: 100 } }), /budget_tokens/],
    [
      'thinking budget over max_tokens',
      ask('x', { max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 3000 } }),
      /max_tokens.*budget_tokens/,
    ],
    [
      'five cache_control blocks',
      ask('x', { system: Array.from({ length: 5 }, () => ({ type: 'text', text: 's', cache_control: { type: 'ephemeral' } })) }),
      /maximum of 4 blocks with cache_control.*Found 5/,
    ],
  ])('400 for %s', async (_name, body, message) => {
    const { sim } = setup()
    const err = await errorOf(await post(sim, body))
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error' })
    expect(err.message).toMatch(message)
  })

  it('404 not_found_error for an unknown or unserved model', async () => {
    const { sim } = setup({ models: ['claude-haiku-5-5'] })
    expect(await errorOf(await post(sim, ask('x', { model: 'claude-nope-9' })))).toEqual({
      status: 404,
      type: 'not_found_error',
      message: 'model: claude-nope-9',
    })
    expect((await post(sim, ask('x', { model: 'claude-opus-5-5' }))).status).toBe(404)
  })

  it('a tool_use must be answered by tool_result in the next message, and only then', async () => {
    const { sim } = setup()
    const use = { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} }] }
    const unanswered = ask('x', { tools, messages: [{ role: 'user', content: 'q' }, use, { role: 'user', content: 'and?' }] })
    const err = await errorOf(await post(sim, unanswered))
    expect(err.message).toMatch(/^messages\.2: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/)
    const stray = ask('x', { messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'r' }] }] })
    expect((await errorOf(await post(sim, stray))).message).toMatch(/unexpected `tool_use_id`.*toolu_9/)
    const answered = ask('x', {
      tools,
      messages: [
        { role: 'user', content: 'q' },
        use,
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'r' }] },
      ],
    })
    expect((await post(sim, answered)).status).toBe(200)
  })

  it('400 for a prompt over the context window', async () => {
    const { sim } = setup()
    const body = ask('word '.repeat(250_000), { model: 'claude-haiku-4-5' })
    const tokens = countTokens(body, 'claude-haiku-4-5')
    expect(tokens).toBeGreaterThan(200_000)
    const err = await errorOf(await post(sim, body))
    expect(err.message).toBe(`prompt is too long: ${tokens} tokens > 200000 maximum`)
  })

  it('404 JSON for an unknown route', async () => {
    const { sim } = setup()
    expect(await errorOf(await sim.fetch('http://sim.local/v1/nothing'))).toMatchObject({ status: 404, type: 'not_found_error' })
  })
})

describe('model and version rules (docs/simulator.md)', () => {
  it.each(['temperature', 'top_p', 'top_k'])('anthropic-version 2026-10-21 rejects %s, even at its default', async (key) => {
    const { sim } = setup()
    const err = await errorOf(await post(sim, ask('x', { [key]: 1 }), v2026))
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error' })
    expect(err.message).toMatch(new RegExp(`^${key}: .*2026-10-21`))
    expect((await post(sim, ask('x', { [key]: 1 }))).status).toBe(200)
  })

  it.each(['claude-sonnet-5', 'claude-sonnet-5-5'])('%s rejects non-default sampling under every version', async (model) => {
    const { sim } = setup()
    for (const extra of [{ temperature: 0.5 }, { top_p: 0.9 }, { top_k: 5 }]) {
      expect((await errorOf(await post(sim, ask('x', { model, ...extra })))).status).toBe(400)
    }
    expect((await post(sim, ask('x', { model, temperature: 1 }))).status).toBe(200)
    expect((await post(sim, ask('x', { model: 'claude-opus-5', temperature: 0.5 }))).status).toBe(200)
  })

  it.each(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-fable-5-1'])('%s rejects forced tool use', async (model) => {
    const { sim } = setup()
    for (const tool_choice of [{ type: 'any' }, { type: 'tool', name: 'lookup' }]) {
      const err = await errorOf(await post(sim, ask('x', { model, tools, tool_choice })))
      expect(err).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        message: expect.stringMatching(/^tool_choice: forced tool use/),
      })
    }
    expect((await post(sim, ask('x', { model, tools, tool_choice: { type: 'auto' } }))).status).toBe(200)
    expect((await post(sim, ask('x', { model: 'claude-haiku-5-5', tools, tool_choice: { type: 'any' } }))).status).toBe(200)
  })
})
