import { describe, expect, it } from 'vitest'
import { countTokens } from '../../src/simulator/index.ts'
import { ask, post, setup } from './helpers.ts'

const long = (n: number) => 'lorem ipsum dolor sit amet '.repeat(n)

describe('countTokens', () => {
  it('follows the documented approximation', () => {
    // 3 per request + 3 per message + ceil(chars / 4) on the legacy tokenizer
    expect(countTokens({ messages: [{ role: 'user', content: 'abcdefgh' }] }, 'claude-haiku-4-5')).toBe(3 + 3 + 2)
    // ceil(chars × 13 / 40) on the newer one
    expect(countTokens({ messages: [{ role: 'user', content: 'a'.repeat(40) }] }, 'claude-opus-4-7')).toBe(3 + 3 + 13)
    const withEverything = {
      system: 'abcd',
      tools: [{ name: 'x', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'abcd' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: '' } }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'long thoughts', signature: 's' }, { type: 'tool_use', id: 't', name: 'x', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'abcd' }] },
      ],
    }
    const toolJson = JSON.stringify({ name: 'x', input_schema: { type: 'object' } })
    expect(countTokens(withEverything, 'claude-haiku-4-5')).toBe(
      3 + (8 + Math.ceil(toolJson.length / 4)) + (3 + 1) + (3 + 1 + 1600) + (3 + 0 + 5 + Math.ceil('x{}'.length / 4)) + (3 + 5 + 1),
    )
  })

  it('the newer tokenizer (4.7+, 5.x) counts about 30 % more than Haiku 4.5', () => {
    const body = ask(long(400))
    const legacy = countTokens(body, 'claude-haiku-4-5')
    for (const model of ['claude-opus-4-7', 'claude-opus-4-8', 'claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-fable-5-1']) {
      expect(countTokens(body, model) / legacy).toBeCloseTo(1.3, 2)
    }
    expect(countTokens(body, 'claude-sonnet-4-6')).toBe(legacy)
  })

  it('count_tokens, usage.input_tokens and countTokens agree', async () => {
    const { sim } = setup()
    const body = ask('What is the weather like in Paris today? [sim tokens=3]', { system: 'Be brief.', model: 'claude-sonnet-4-5' })
    const counted = await (await post(sim, { ...body, max_tokens: undefined }, undefined, '/v1/messages/count_tokens')).json() as any
    const reply = await (await post(sim, body)).json() as any
    expect(counted.input_tokens).toBe(countTokens(body, 'claude-sonnet-4-5'))
    expect(reply.usage.input_tokens).toBe(counted.input_tokens)
    expect(reply.usage.output_tokens).toBe(3)
  })
})

describe('prompt caching', () => {
  const system = [{ type: 'text', text: long(400), cache_control: { type: 'ephemeral' } }]

  it('writes a prefix on first sight, reads it after; the three counts add up', async () => {
    const { sim } = setup()
    const body = ask('Question one', { system })
    const total = countTokens(body, 'claude-haiku-5-5')
    const first = (await (await post(sim, body)).json() as any).usage
    const second = (await (await post(sim, ask('Question two', { system }))).json() as any).usage
    expect(first.cache_creation_input_tokens).toBeGreaterThan(2048)
    expect(first).toMatchObject({ cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: first.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 } })
    expect(first.input_tokens + first.cache_creation_input_tokens).toBe(total)
    expect(second).toMatchObject({ cache_read_input_tokens: first.cache_creation_input_tokens, cache_creation_input_tokens: 0 })
    expect(second.input_tokens + second.cache_read_input_tokens).toBe(countTokens(ask('Question two', { system }), 'claude-haiku-5-5'))
  })

  it('is per model, honours ttl, and the top-level cache_control marks the last block', async () => {
    const { sim } = setup()
    const oneHour = [{ ...system[0], cache_control: { type: 'ephemeral', ttl: '1h' } }]
    const a = (await (await post(sim, ask('q', { system: oneHour }))).json() as any).usage
    expect(a.cache_creation.ephemeral_1h_input_tokens).toBe(a.cache_creation_input_tokens)
    const b = (await (await post(sim, ask('q', { system: oneHour, model: 'claude-opus-5-5' }))).json() as any).usage
    expect(b.cache_read_input_tokens).toBe(0)
    const auto = ask(long(400), { cache_control: { type: 'ephemeral' } })
    const c1 = (await (await post(sim, auto)).json() as any).usage
    const c2 = (await (await post(sim, auto)).json() as any).usage
    expect(c1.cache_creation_input_tokens).toBe(countTokens(auto, 'claude-haiku-5-5'))
    expect(c2).toMatchObject({ cache_read_input_tokens: c1.cache_creation_input_tokens, input_tokens: 0 })
  })

  it('does not cache prefixes under the model minimum (or cacheMinTokens); reset() forgets the cache', async () => {
    const { sim } = setup()
    const short = ask('q', { system: [{ type: 'text', text: 'short', cache_control: { type: 'ephemeral' } }] })
    expect((await (await post(sim, short)).json() as any).usage.cache_creation_input_tokens).toBe(0)
    const medium = ask('q', { system: [{ type: 'text', text: long(200), cache_control: { type: 'ephemeral' } }] })
    expect(countTokens(medium, 'claude-sonnet-5-5')).toBeGreaterThan(1024)
    expect(countTokens(medium, 'claude-sonnet-5-5')).toBeLessThan(2048)
    expect((await (await post(sim, medium)).json() as any).usage.cache_creation_input_tokens).toBe(0)
    expect((await (await post(sim, { ...medium, model: 'claude-sonnet-5-5' })).json() as any).usage.cache_creation_input_tokens).toBeGreaterThan(0)
    const { sim: low } = setup({ cacheMinTokens: 1 })
    expect((await (await post(low, short)).json() as any).usage.cache_creation_input_tokens).toBeGreaterThan(0)
    const body = ask('q', { system })
    await post(sim, body)
    sim.reset()
    expect((await (await post(sim, body)).json() as any).usage.cache_read_input_tokens).toBe(0)
  })

  it('reports cache usage in message_start and message_delta of a stream', async () => {
    const { client } = setup()
    const body = ask('q', { system }) as never
    await client.messages.create(body)
    const msg = await client.messages.stream(body).finalMessage()
    expect(msg.usage.cache_read_input_tokens).toBeGreaterThan(1024)
  })
})
