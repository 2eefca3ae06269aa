import { APIError, RateLimitError } from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { countTokens } from '../../src/simulator/index.ts'
import { ask, setup } from './helpers.ts'

// The official SDK is the judge of the wire format: if a frame drifts from what it parses, these fail.
describe('official SDK against the simulator', () => {
  it('messages.create (JSON): text, usage, ids, request id', async () => {
    const { sim, client } = setup()
    const body = ask('Hello [sim text="Hi there friend"]')
    const msg = await client.messages.create(body as never)
    expect(msg.content).toEqual([{ type: 'text', text: 'Hi there friend' }])
    expect(msg.usage).toMatchObject({ input_tokens: countTokens(body, 'claude-haiku-5-5'), output_tokens: 3, cache_read_input_tokens: 0 })
    expect(msg.stop_reason).toBe('end_turn')
    expect(msg.id).toMatch(/^msg_01\w{22}$/)
    expect(msg._request_id).toBe(sim.requests[0]!.id)
    expect(sim.requests[0]).toMatchObject({
      path: '/v1/messages',
      model: 'claude-haiku-5-5',
      status: 200,
      completed: true,
      stream: false,
      cancelled: false,
    })
    expect(sim.requests[0]!.headers).toEqual({ 'anthropic-version': '2026-10-21', auth: 'bearer' })
  })

  it('same request, same reply', async () => {
    const { client } = setup()
    const a = await client.messages.create(ask('Tell me a story') as never)
    const b = await client.messages.create(ask('Tell me a story') as never)
    const c = await client.messages.create(ask('Tell me another story') as never)
    expect(a.content).toEqual(b.content)
    expect(c.content).not.toEqual(a.content)
    expect((a.content[0] as { text: string }).text).toMatch(/^[A-Z][a-z]+( [a-z]+|,|\.)+/)
  })

  it('messages.stream: text events, finalMessage, cumulative usage', async () => {
    const { sim, client } = setup()
    const texts: string[] = []
    const stream = client.messages.stream(ask('Hello [sim tokens=7]') as never)
    stream.on('text', (t) => texts.push(t))
    const msg = await stream.finalMessage()
    expect(texts).toHaveLength(7)
    expect(texts.join('')).toBe((msg.content[0] as { text: string }).text)
    expect(msg.usage.output_tokens).toBe(7)
    expect(msg.usage.input_tokens).toBe(countTokens(ask('Hello [sim tokens=7]'), 'claude-haiku-5-5'))
    expect(sim.requests[0]).toMatchObject({ completed: true, stream: true, eventsSent: 3 + 7 + 3 })
  })

  it('tool_use blocks with parsed input, parallel calls, text before them', async () => {
    const { client } = setup()
    const tools = [
      { name: 'get_weather', description: 'w', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } },
      { name: 'get_time', description: 't', input_schema: { type: 'object' as const } },
    ]
    const prompt = 'Weather and time? [sim text="Let me check."] [sim tool=get_weather {"city":"Paris","days":[1,2]}] [sim tool=get_time]'
    const stream = client.messages.stream({ ...ask(prompt), tools } as never)
    const json: string[] = []
    stream.on('inputJson', (partial) => json.push(partial))
    const msg = await stream.finalMessage()
    expect(msg.stop_reason).toBe('tool_use')
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use'])
    expect(msg.content[1]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { city: 'Paris', days: [1, 2] },
      id: expect.stringMatching(/^toolu_01/),
    })
    expect(msg.content[2]).toMatchObject({ name: 'get_time', input: {} })
    expect(json[0]).toBe('')
    const viaJson = await client.messages.create({ ...ask(prompt), tools } as never)
    expect(viaJson.content.map((b) => (b.type === 'tool_use' ? b.input : b.type))).toEqual(['text', { city: 'Paris', days: [1, 2] }, {}])
  })

  it('a tool loop ends: tool at step 1, text at step 2', async () => {
    const { client } = setup()
    const tools = [{ name: 'lookup', input_schema: { type: 'object' as const } }]
    const messages: any[] = [{ role: 'user', content: 'Find it [sim tool=lookup {"q":"x"}]' }]
    const first = await client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 500, tools, messages })
    expect(first.stop_reason).toBe('tool_use')
    const call = first.content.find((b) => b.type === 'tool_use')!
    messages.push(
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'found' }] },
    )
    const second = await client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 500, tools, messages })
    expect(second.stop_reason).toBe('end_turn')
    expect(second.content.map((b) => b.type)).toEqual(['text'])
  })

  it('thinking when enabled: thinking_delta then signature_delta', async () => {
    const { client } = setup()
    const thinking: string[] = []
    const stream = client.messages.stream({
      ...ask('Think [sim thinking=5 tokens=3]'),
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 2000 },
    } as never)
    stream.on('thinking', (d) => thinking.push(d))
    const msg = await stream.finalMessage()
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text'])
    expect(thinking).toHaveLength(5)
    expect(msg.content[0]).toMatchObject({ thinking: thinking.join(''), signature: expect.stringMatching(/.{16,}/) })
    expect(msg.usage.output_tokens).toBe(8)
    expect(msg.usage.output_tokens_details).toEqual({ thinking_tokens: 5 })
  })

  it('always-thinking models put text before a tool call in an empty thinking block', async () => {
    const { client } = setup()
    const tools = [{ name: 'lookup', input_schema: { type: 'object' as const } }]
    const msg = await client.messages
      .stream({ ...ask('Go [sim text="Checking now." tool=lookup]'), model: 'claude-opus-5-5', tools } as never)
      .finalMessage()
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'tool_use'])
    expect(msg.content[0]).toMatchObject({ thinking: '' })
    expect(msg.usage.output_tokens).toBe(2 + 1)
    const shown = await client.messages.create({
      ...ask('Go [sim text="Checking now." tool=lookup]'),
      model: 'claude-opus-5-5',
      tools,
      thinking: { type: 'adaptive', display: 'summarized' },
    } as never)
    expect(shown.content[0]).toMatchObject({ type: 'thinking', thinking: expect.stringContaining('Checking now.') })
  })

  it('max_tokens cuts the reply and says so', async () => {
    const { client } = setup()
    const msg = await client.messages.stream({ ...ask('Long [sim tokens=50]'), max_tokens: 10 } as never).finalMessage()
    expect(msg.stop_reason).toBe('max_tokens')
    expect(msg.usage.output_tokens).toBe(10)
  })

  it('errors arrive as the SDK error classes with the request id', async () => {
    const { client } = setup()
    const err = await client.messages.create(ask('x [sim status=429 retry_after=7]') as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RateLimitError)
    expect((err as RateLimitError).headers.get('retry-after')).toBe('7')
    expect((err as RateLimitError).requestID).toMatch(/^req_011C/)
    const midStream = await client.messages
      .stream(ask('x [sim error=overloaded_error after=4]') as never)
      .finalMessage()
      .catch((e: unknown) => e)
    expect(midStream).toBeInstanceOf(APIError)
    expect((midStream as APIError).type).toBe('overloaded_error')
  })

  it('count_tokens and models', async () => {
    const { client } = setup()
    const body = {
      model: 'claude-opus-5-5',
      messages: [{ role: 'user' as const, content: 'How many tokens is this?' }],
      system: 'Be brief.',
    }
    expect(await client.messages.countTokens(body)).toMatchObject({ input_tokens: countTokens(body, 'claude-opus-5-5') })
    const ids: string[] = []
    for await (const m of client.models.list()) ids.push(m.id)
    expect(ids).toContain('claude-fable-5-1')
    expect(ids).toHaveLength(16)
    const info = await client.models.retrieve('claude-haiku-4-5')
    expect(info).toMatchObject({ id: 'claude-haiku-4-5', max_tokens: 64000, max_input_tokens: 200000, type: 'model' })
  })

  it('retries like the real API: 529 twice then success', async () => {
    const { sim } = setup()
    const { default: Anthropic } = await import('@anthropic-ai/sdk')
    const retrying = new Anthropic({ apiKey: 'sk-ant-test', baseURL: 'http://sim.local', fetch: sim.fetch, maxRetries: 2 })
    const msg = await retrying.messages.create(ask('x [sim status=529 times=2 retry_after_ms=1]') as never)
    expect(msg.type).toBe('message')
    expect(sim.requests.map((r) => r.status)).toEqual([529, 529, 200])
  })
})
