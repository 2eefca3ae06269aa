// What this checks, and what it does not.
// - It checks that the gateway's estimator walks every part of a request (system strings and
//   blocks, tools, tool_use/tool_result, images, thinking, non-Latin text) and applies each
//   tokenizer family's factor, by comparing it with the simulator's `count_tokens`.
// - It does NOT check the estimate against a real tokenizer: the simulator's count is built from
//   the same per-block functions (src/simulator/tokens.ts), so the two agree by construction and
//   an underestimate on hard input (code, non-Latin scripts, base64) would pass here unnoticed.
//   The only independent numbers are the fixed ones below (4 000 characters → 1 000 / 1 300).
import { describe, expect, it } from 'vitest'
import { estimateInputTokens, textTokens } from '../../src/context/estimate-tokens.ts'
import { countTokens } from '../../src/simulator/index.ts'
import { Catalogue } from '../../src/upstream/catalogue.ts'

const catalogue = new Catalogue()
const tool = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
const bodies: Record<string, { system?: unknown; messages: { role: string; content: unknown }[]; tools?: unknown[] }> = {
  'a string turn': { messages: [{ role: 'user', content: 'Hello there, how are you today?' }] },
  'system string + three turns': {
    system: 'You are terse.',
    messages: [
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: 'Four.' },
      { role: 'user', content: 'And 3+3? Explain at length, with examples: ' + 'lorem ipsum '.repeat(40) },
    ],
  },
  'system blocks, tools, tool_use / tool_result, image, thinking': {
    system: [{ type: 'text', text: 'Rules one.' }, { type: 'text', text: 'Rules two, longer than the first.' }],
    tools: [tool],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'the user wants weather', signature: 'sig' },
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18°C, clear' }] }] },
    ],
  },
  'non-Latin text and emoji (code points, not UTF-16 units)': { messages: [{ role: 'user', content: 'こんにちは世界 🌍🌍 — ça va?' }] },
}

describe('estimateInputTokens', () => {
  it.each(Object.entries(bodies))('matches the simulator count_tokens on both tokenizer families: %s', (_name, body) => {
    for (const id of ['claude-haiku-4-5', 'claude-sonnet-5-5']) {
      const model = catalogue.get(id)!
      expect(estimateInputTokens(body as never, model)).toBe(countTokens({ model: id, max_tokens: 10, ...body }, id))
    }
  })

  it('counts about 30 % more tokens on the newer tokenizer', () => {
    const text = 'x'.repeat(4000)
    expect(textTokens(text, 'classic')).toBe(1000)
    expect(textTokens(text, 'v2')).toBe(1300)
  })
})
