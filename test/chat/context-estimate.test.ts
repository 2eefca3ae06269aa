// What this checks, and what it does not.
// - The gateway's estimator (src/context/estimate-tokens.ts) is an ESTIMATE, used for token
//   LIMITS only (context window, history trimming). Budgets do not use it: they need an upper
//   bound on what Anthropic can bill, which src/admission/ computes separately.
// - The simulator's count (src/simulator/tokens.ts, the "bill" in tests) is now independent of
//   the estimator: its own run-based tokenizer, images by their size, the tool-use system prompt.
//   So the two no longer agree by construction, and this file checks what should hold between
//   them: on ordinary English prose, with or without system prompts, tools and tool turns, the
//   estimate is within ±35 % of the bill on both tokenizer families (leaving aside the tool-use
//   system prompt, which the estimator does not add). A change to either side that drifts
//   further fails here.
// - It also pins the estimator's own tokenizer-family factor (4 000 characters → 1 000 / 1 300),
//   and records where the estimate is not an upper bound (CJK, base64-like data, the tool-use
//   system prompt): why budgets do not use it.
import { describe, expect, it } from 'vitest'
import { estimateInputTokens, textTokens } from '../../src/context/estimate-tokens.ts'
import { countTokens } from '../../src/simulator/index.ts'
import { TOKEN_COSTS } from '../../src/simulator/tokens.ts'
import { Catalogue } from '../../src/models/catalogue.ts'

const catalogue = new Catalogue()
type Body = { system?: unknown; messages: { role: string; content: unknown }[]; tools?: unknown[] }

const prose = {
  weather:
    'I am planning a weekend trip to the coast with my family, and I would like to know whether the weather is likely to stay dry. ' +
    'We want to walk along the cliffs on Saturday morning, have lunch in the harbour, and spend the afternoon on the beach if it is warm enough.',
  answer:
    'The forecast for the coast looks settled for most of the weekend. Saturday should start cloudy, with the sun breaking through by late morning, ' +
    'and a light breeze from the west. Sunday is less certain: a band of rain may arrive in the evening, so plan the beach for Saturday.',
  policy:
    'You are a helpful assistant for a travel company. Answer questions about destinations, weather and opening hours in plain English, ' +
    'keep answers short unless the customer asks for detail, and never invent prices or availability that you have not been given.',
}
const tool = {
  name: 'get_weather',
  description: 'Returns the weather forecast for a town for the next three days, with temperatures, wind and the chance of rain.',
  input_schema: { type: 'object', properties: { town: { type: 'string', description: 'The name of the town' } }, required: ['town'] },
}

const bodies: Record<string, Body> = {
  'one string turn': { messages: [{ role: 'user', content: prose.weather }] },
  'system string and three turns': {
    system: prose.policy,
    messages: [
      { role: 'user', content: prose.weather },
      { role: 'assistant', content: prose.answer },
      {
        role: 'user',
        content: 'Thank you. Which beaches near the harbour are quiet early in the morning, and is there somewhere to park nearby?',
      },
    ],
  },
  'system blocks, thinking and text blocks': {
    system: [
      { type: 'text', text: prose.policy },
      { type: 'text', text: 'Today is a Friday in late spring, and the customer is travelling by train.' },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: prose.weather }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'They want a forecast for the coast.', signature: 'sig' },
          { type: 'text', text: prose.answer },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'text', text: 'Could you also suggest a good place for dinner on Saturday evening, close to the station?' }],
      },
    ],
  },
  'a tool, a tool_use and its tool_result in prose': {
    system: prose.policy,
    tools: [tool],
    messages: [
      { role: 'user', content: prose.weather },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look up the forecast for the coast first.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { town: 'Whitby' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: prose.answer }] }] },
      { role: 'assistant', content: prose.answer },
      {
        role: 'user',
        content:
          'That sounds good. Is the castle open on Sunday afternoon, and do we need to book tickets in advance for a family of four?',
      },
    ],
  },
}

describe('estimateInputTokens against the simulator bill', () => {
  it.each(Object.entries(bodies))(
    '%s: the estimate is within 35 percent of count_tokens on English prose, both tokenizer families',
    (_name, body) => {
      for (const id of ['claude-haiku-4-5', 'claude-sonnet-5-5']) {
        const estimate = estimateInputTokens(body as never, catalogue.get(id)!)
        // The estimator leaves out the tool-use system prompt Anthropic adds when tools are present
        // (346 tokens with tool_choice auto): compared without it, the rest must still agree.
        const toolPrompt = body.tools?.length ? TOKEN_COSTS.toolUseAuto : 0
        const billed = countTokens({ model: id, max_tokens: 10, ...body }, id) - toolPrompt
        expect(Math.abs(estimate / billed - 1), `${id}: estimate ${estimate}, billed ${billed} (+ ${toolPrompt})`).toBeLessThanOrEqual(0.35)
      }
    },
  )

  it('misses the tool-use system prompt: a request with tools is billed at least 346 tokens more than its estimate', () => {
    const body = bodies['a tool, a tool_use and its tool_result in prose']!
    for (const id of ['claude-haiku-4-5', 'claude-sonnet-5-5']) {
      const withoutTools = { ...body, tools: undefined }
      const billedDelta =
        countTokens({ model: id, max_tokens: 10, ...body }, id) - countTokens({ model: id, max_tokens: 10, ...withoutTools }, id)
      const estimatedDelta =
        estimateInputTokens(body as never, catalogue.get(id)!) - estimateInputTokens(withoutTools as never, catalogue.get(id)!)
      expect(billedDelta - estimatedDelta).toBeGreaterThanOrEqual(346)
    }
  })

  it('is not an upper bound on hard input: CJK text and base64-like data are billed well above it', () => {
    const hard: Body[] = [
      {
        messages: [
          { role: 'user', content: '東京の天気はどうですか。明日は雨が降るでしょうか。週末に家族で海に行く予定です。'.repeat(20) },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'aGVsbG8gd29ybGQhIFRoaXMgaXMgYmFzZTY0IGRhdGEgd2l0aCBNaXhlZCBDYXNlIDEyMzQ1Njc4OTA='.repeat(20) },
        ],
      },
    ]
    for (const body of hard) {
      for (const id of ['claude-haiku-4-5', 'claude-sonnet-5-5']) {
        expect(countTokens({ model: id, max_tokens: 10, ...body }, id)).toBeGreaterThan(
          1.5 * estimateInputTokens(body as never, catalogue.get(id)!),
        )
      }
    }
  })
})

describe('the estimator', () => {
  it('counts about 30 % more tokens on the newer tokenizer', () => {
    const text = 'x'.repeat(4000)
    expect(textTokens(text, 'classic')).toBe(1000)
    expect(textTokens(text, 'v2')).toBe(1300)
  })
})
