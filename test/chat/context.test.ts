import { describe, expect, it } from 'vitest'
import { estimateInputTokens } from '../../src/context/estimate-tokens.ts'
import { fitContext } from '../../src/context/fit-context.ts'
import { countTokens } from '../../src/simulator/index.ts'
import { Catalogue } from '../../src/models/catalogue.ts'
import { makeApp, postJson } from '../support/app.ts'

const SONNET = 'claude-sonnet-5-5'
const words = (n: number, seed: string) => `${seed} ${'lorem ipsum dolor '.repeat(n)}`.trim()

// A conversation whose only tool_use / tool_result pair sits where a naive trim would cut it.
const m = [
  { role: 'user', content: 'Start: help me plan a trip.' },
  { role: 'assistant', content: words(12, 'A1') },
  { role: 'user', content: words(12, 'U2') },
  {
    role: 'assistant',
    content: [
      { type: 'text', text: words(8, 'A3') },
      { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'trains' } },
    ],
  },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: words(5, 'R4') }] },
  { role: 'assistant', content: words(10, 'A5') },
  { role: 'user', content: 'And the hotels? [sim tokens=5]' },
]
const sonnet = new Catalogue().get(SONNET)!
// What the gateway decides with (trim, 413): its estimate, src/context/estimate-tokens.ts.
const count = (messages: unknown[], system?: string) => estimateInputTokens({ messages, ...(system && { system }) } as never, sonnet)
// What the simulator bills for the same prompt (its own count, independent of the estimate).
const billed = (messages: unknown[], system?: string) =>
  countTokens({ model: SONNET, max_tokens: 100, messages, ...(system && { system }) }, SONNET)

describe('context control over /v1/chat', () => {
  it('trim keeps the system prompt, the first turn and tool pairs, drops the oldest turns, and says so', async () => {
    const system = 'You are a travel agent.'
    // Fits from message 4 on, but message 4 answers the tool call in message 3: the cut must move to 5.
    const limit = count([m[0], m[4], m[5], m[6]], system) + 1
    expect(count([m[0], m[3], m[4], m[5], m[6]], system)).toBeGreaterThan(limit)
    const { app, simulator } = makeApp({ MAX_INPUT_TOKENS: String(limit) })
    const res = await postJson(app, '/v1/chat', { system, messages: m, max_tokens: 100 })
    expect(res.status).toBe(200)
    const body = (await res.json()) as any
    const sent = (simulator.requests.at(-1)!.body as any).messages
    expect(sent.map((x: any) => x.content)).toEqual([m[0]!.content, m[5]!.content, m[6]!.content])
    expect((simulator.requests.at(-1)!.body as any).system).toEqual(system)
    const total = count(m, system)
    const kept = count([m[0], m[5], m[6]], system)
    expect(body.warnings).toEqual([
      `context: dropped the 4 oldest message(s) after the first one to fit MAX_INPUT_TOKENS (about ${total} → ${kept} of ${limit} input tokens)`,
    ])
    expect(body.usage.input_tokens + body.usage.cache_creation_input_tokens + body.usage.cache_read_input_tokens).toBe(
      billed([m[0], m[5], m[6]], system),
    )
  })

  it('under the limit nothing changes and nothing is said', async () => {
    const { app, simulator } = makeApp()
    const res = await postJson(app, '/v1/chat', { messages: m, max_tokens: 100 })
    expect(res.status).toBe(200)
    expect(((await res.json()) as any).warnings).toBeUndefined()
    expect((simulator.requests.at(-1)!.body as any).messages).toHaveLength(7)
  })

  it('reject answers 413 with the estimated and allowed numbers, before any upstream call', async () => {
    const { app, simulator } = makeApp({ MAX_INPUT_TOKENS: '200', CONTEXT_OVERFLOW: 'reject' })
    const res = await postJson(app, '/v1/chat', { messages: m, max_tokens: 100 })
    expect(res.status).toBe(413)
    const body = (await res.json()) as any
    expect(body.error.type).toBe('request_too_large')
    expect(body.error.message).toContain(`about ${count(m)} input tokens, above the limit of 200 for ${SONNET}`)
    expect(simulator.requests).toHaveLength(0)
  })

  it('one message larger than the limit is a 413 naming it, even with trim', async () => {
    const { app, simulator } = makeApp({ MAX_INPUT_TOKENS: '100' })
    const big = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: words(60, 'BIG') },
    ]
    const res = await postJson(app, '/v1/chat', { messages: big, max_tokens: 100 })
    expect(res.status).toBe(413)
    const message = ((await res.json()) as any).error.message as string
    const alone = count([big[2]]) - count([]) // the message's own tokens, without the request overhead
    expect(message).toContain(`messages.2 alone is about ${alone} tokens`)
    expect(message).toContain('above the limit of 100 input tokens')
    expect(simulator.requests).toHaveLength(0)
  })
})

describe('fitContext', () => {
  it('an old message that alone is above the limit is a 413 naming it, with trim as with reject', () => {
    const model = new Catalogue().get('claude-haiku-4-5')!
    const messages = [
      { role: 'user' as const, content: 'hi' },
      { role: 'assistant' as const, content: 'y'.repeat(4000) },
      { role: 'user' as const, content: 'short question' },
    ]
    for (const overflow of ['trim', 'reject'] as const) {
      expect(() => fitContext({ messages }, model, 10, { maxInputTokens: 100, overflow })).toThrow(
        'messages.1 alone is about 1003 tokens (with the system prompt 1006), above the limit of 100 input tokens for claude-haiku-4-5',
      )
    }
  })

  it('trim drops the oldest turns after the first until the conversation fits', () => {
    const model = new Catalogue().get('claude-haiku-4-5')!
    const messages = [
      { role: 'user' as const, content: 'hi' },
      { role: 'assistant' as const, content: 'y'.repeat(300) },
      { role: 'user' as const, content: 'z'.repeat(200) },
      { role: 'assistant' as const, content: 'ok' },
      { role: 'user' as const, content: 'short question' },
    ]
    const { messages: kept, report } = fitContext({ messages }, model, 10, { maxInputTokens: 100, overflow: 'trim' })
    expect(kept).toEqual([messages[0], messages[2], messages[3], messages[4]])
    expect(report).toMatchObject({ max_input_tokens: 100, dropped_messages: 1 })
    expect(report.sent_input_tokens).toBeLessThanOrEqual(100)
    expect(report.estimated_input_tokens).toBeGreaterThan(100)
  })

  const model = new Catalogue().get('claude-haiku-4-5')!
  const msg = (role: 'user' | 'assistant', chars: number) => ({ role, content: 'x'.repeat(chars) })

  it('caps the limit by the model context window minus max_tokens', () => {
    const { report } = fitContext({ messages: [msg('user', 40)] }, model, 150_000, { maxInputTokens: 1_000_000, overflow: 'trim' })
    expect(report.max_input_tokens).toBe(50_000)
    expect(report).toMatchObject({ estimated_input_tokens: 16, sent_input_tokens: 16, dropped_messages: 0 })
  })

  it('413 when even the first and the last turn do not fit together', () => {
    const messages = [msg('user', 400), msg('assistant', 40), msg('user', 400)]
    expect(() => fitContext({ messages }, model, 10, { maxInputTokens: 150, overflow: 'trim' })).toThrow(
      /even its first and latest turns \(about 209\) do not fit/,
    )
  })
})
