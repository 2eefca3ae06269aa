import type Anthropic from '@anthropic-ai/sdk'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.ts'
import { parseConfig } from '../../src/config.ts'
import { createSimulator } from '../../src/simulator/index.ts'
import { Catalogue } from '../../src/models/catalogue.ts'
import { costOf, toUsage } from '../../src/models/cost.ts'
import { applyPromptCaching, type CacheableParams } from '../../src/upstream/prompt-caching.ts'
import { calculator } from '../../src/tools/index.ts'
import { makeApp, postJson, testEnv, withTestKey } from '../support/app.ts'

const catalogue = new Catalogue()
const sonnet = catalogue.get('balanced')! // v2 tokenizer, minCacheTokens 1024
const EPH = { type: 'ephemeral' as const }
const long = (tokens: number) => 'w'.repeat(Math.ceil((tokens * 40) / 13)) // v2: ceil(chars × 13 / 40)
const tool = (name: string, description = 'd'): Anthropic.Tool => ({ name, description, input_schema: { type: 'object' } })

function marks(p: CacheableParams): string[] {
  const out: string[] = []
  p.tools?.forEach((t, i) => (t as { cache_control?: unknown }).cache_control && out.push(`tools.${i}`))
  if (Array.isArray(p.system)) p.system.forEach((b, i) => b.cache_control && out.push(`system.${i}`))
  p.messages.forEach(
    (m, i) =>
      Array.isArray(m.content) &&
      m.content.forEach((b, j) => (b as { cache_control?: unknown }).cache_control && out.push(`messages.${i}.${j}`)),
  )
  return out
}

describe('applyPromptCaching', () => {
  it('leaves a prompt below the model minimum untouched', () => {
    const params = { system: 'short', messages: [{ role: 'user' as const, content: 'hi' }] }
    expect(applyPromptCaching(params, sonnet)).toBe(params)
  })

  it('marks the tools, the system prompt and the conversation when each prefix is long enough, without mutating the input', () => {
    const params: CacheableParams = {
      tools: [tool('a'), tool('b', long(1100))],
      system: 'Be helpful.',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'question' },
            { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } },
          ],
        },
      ],
    }
    const snapshot = structuredClone(params)
    const out = applyPromptCaching(params, sonnet)
    expect(params).toEqual(snapshot)
    expect(marks(out)).toEqual(['tools.1', 'system.0', 'messages.2.1'])
    expect(out.system).toEqual([{ type: 'text', text: 'Be helpful.', cache_control: EPH }])
    expect(out.messages[0]).toBe(params.messages[0])
  })

  it('only marks prefixes that reach minCacheTokens: short tools are not, a long system prompt is', () => {
    const out = applyPromptCaching({ tools: [tool('a')], system: long(1100), messages: [{ role: 'user', content: 'hi' }] }, sonnet)
    expect(marks(out)).toEqual(['system.0', 'messages.0.0'])
    expect(out.messages[0]!.content).toEqual([{ type: 'text', text: 'hi', cache_control: EPH }])
    // Haiku 4.5 needs 4096 tokens (and counts fewer per character): the same prompt is not cached.
    expect(
      applyPromptCaching({ system: long(1100), messages: [{ role: 'user', content: 'hi' }] }, catalogue.get('claude-haiku-4-5')!).system,
    ).toBe(long(1100))
  })

  it('counts the caller’s own breakpoints: never more than four, the later ones win', () => {
    const own = (text: string) => ({ type: 'text' as const, text, cache_control: EPH })
    const three: CacheableParams = {
      tools: [tool('a', long(1100))],
      system: [own('s1'), own('s2'), { type: 'text', text: 's3' }],
      messages: [{ role: 'user', content: [own('m1'), { type: 'text', text: 'm2' }] }],
    }
    expect(marks(applyPromptCaching(three, sonnet))).toEqual(['system.0', 'system.1', 'messages.0.0', 'messages.0.1'])
    const four = { ...three, cache_control: EPH }
    expect(applyPromptCaching(four, sonnet)).toBe(four)
  })

  it('never marks a thinking block: the last cacheable block of the last message is used', () => {
    const out = applyPromptCaching(
      {
        system: long(1100),
        messages: [
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'a' },
              { type: 'thinking', thinking: 't', signature: 's' },
            ],
          },
        ],
      },
      sonnet,
    )
    expect(marks(out)).toEqual(['system.0', 'messages.1.0'])
  })
})

describe('prompt caching through /v1/chat', () => {
  const system = long(1500)

  it('places breakpoints on the system prompt and the conversation; the next turn reads the cache; cost adds up', async () => {
    const { app, simulator, config } = makeApp()
    const first = await postJson(app, '/v1/chat', { system, messages: [{ role: 'user', content: 'Question one [sim tokens=20]' }] })
    expect(first.status).toBe(200)
    const sent = simulator.requests.at(-1)!.body as any
    expect(sent.system).toEqual([{ type: 'text', text: system, cache_control: EPH }])
    expect(sent.messages.at(-1).content.at(-1).cache_control).toEqual(EPH)
    const a = (await first.json()) as any
    expect(a.usage.cache_creation_input_tokens).toBeGreaterThan(1500)
    expect(a.usage.cache_read_input_tokens).toBe(0)

    const second = await postJson(app, '/v1/chat', { system, messages: [{ role: 'user', content: 'Question two [sim tokens=20]' }] })
    const b = (await second.json()) as any
    expect(b.usage.cache_read_input_tokens).toBeGreaterThan(1500)
    const price = config.catalogue.get('balanced')!.pricing
    const u = b.usage
    const expected =
      (u.input_tokens * price.input +
        u.cache_creation_input_tokens * price.cacheWrite +
        u.cache_read_input_tokens * price.cacheRead +
        u.output_tokens * price.output) /
      1e6
    expect(b.cost_usd).toBeCloseTo(expected, 9)
    expect(b.cost_usd).toBeLessThan(a.cost_usd) // reads at 0.1× input instead of writes at 1.25×
  })

  it('PROMPT_CACHING=false sends no breakpoint', async () => {
    const { app, simulator } = makeApp({ PROMPT_CACHING: 'false' })
    const res = await postJson(app, '/v1/chat', { system, messages: [{ role: 'user', content: 'Question' }] })
    expect(res.status).toBe(200)
    expect(JSON.stringify(simulator.requests.at(-1)!.body)).not.toContain('cache_control')
    expect(((await res.json()) as any).usage.cache_creation_input_tokens).toBe(0)
  })

  it('multi-step: cost_usd is the sum of every billed call, each priced from its own usage', async () => {
    const simulator = createSimulator()
    const config = parseConfig(testEnv({ DEFAULT_MODEL: 'fast' }))
    const app = withTestKey(createApp({ config, fetch: simulator.fetch, tools: [calculator] }))
    const res = await postJson(app, '/v1/chat', {
      system: long(2500), // Haiku 5.5 caches from 2048 tokens
      messages: [{ role: 'user', content: 'Compute [sim step=1 tool=calculator {"expression":"2+2"}] [sim step=2 tokens=12]' }],
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as any
    const models = body.steps.filter((s: any) => s.type === 'model')
    expect(models).toHaveLength(2)
    const haiku = config.catalogue.get('fast')!
    let sum = 0
    for (const step of models) {
      expect(step.cost_usd).toBe(costOf(haiku, toUsage(step.usage)))
      sum += step.cost_usd
    }
    expect(body.cost_usd).toBeCloseTo(sum, 9)
    // The second call reads the prefix the first one wrote (tools + system + first turn).
    expect(models[0].usage.cache_creation_input_tokens).toBeGreaterThan(0)
    expect(models[1].usage.cache_read_input_tokens).toBeGreaterThan(0)
    expect(body.usage.cache_read_input_tokens).toBe(models[1].usage.cache_read_input_tokens)
  })
})
