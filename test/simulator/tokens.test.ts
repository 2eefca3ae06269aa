import { describe, expect, it } from 'vitest'
import { countTokens } from '../../src/simulator/index.ts'
import { IMAGE_LIMITS, imageTokens, pdfPageTokens, textTokens, TOKEN_COSTS } from '../../src/simulator/tokens.ts'
import { utf8Bytes } from '../../src/simulator/tokenizer.ts'
import { ask, HEADERS, post, setup } from './helpers.ts'

const long = (n: number) => 'lorem ipsum dolor sit amet '.repeat(n)
const encoder = new TextEncoder()
const bytesOf = (text: string) => encoder.encode(text).length

function base64Of(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}
const be32 = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
/** A PNG signature and IHDR chunk claiming `width × height` (all the simulator reads). */
const png = (width: number, height: number) =>
  base64Of(
    Uint8Array.from([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...be32(13),
      0x49,
      0x48,
      0x44,
      0x52,
      ...be32(width),
      ...be32(height),
      8,
      2,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ]),
  )
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
const image = (data: string, media_type = 'image/png') => ({ type: 'image', source: { type: 'base64', media_type, data } })
/** An uncompressed PDF with `pages` page objects, base64. */
function pdf(pages: number): string {
  const kids = Array.from({ length: pages }, (_, i) => `${i + 3} 0 R`).join(' ')
  const objects = Array.from({ length: pages }, (_, i) => `${i + 3} 0 obj\n<< /Type /Page /Parent 2 0 R >>\nendobj\n`).join('')
  return btoa(
    `%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [${kids}] /Count ${pages} >>\nendobj\n${objects}%%EOF\n`,
  )
}
const pdfBlock = (data: string) => ({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data } })
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] })

describe('textTokens', () => {
  it('counts by runs, as documented in src/simulator/tokenizer.ts (legacy, then v2 = 30 % more)', () => {
    const cases: [string, number, number][] = [
      ['hello world', 2, 3], // two common words; the space merges into "world"
      ['The quick brown fox jumps over the lazy dog.', 10, 13],
      ['getUserName', 3, 4], // case segments get|User|Name
      ['HTTPServer', 2, 3], // HTTP (4 capitals: 1) | Server
      ['internationalization', 6, 7], // 1 for 7 letters + 13 / 3
      ['1234567890', 4, 6], // 1 per 2.5 digits
      ['こんにちは世界', 7, 10], // 1 per kana / Han character
      ['한국어', 5, 6], // 1.5 per Hangul syllable
      ['Привет', 4, 6], // 1 per 1.5 Cyrillic letters
      ['🌍', 2, 3], // astral: 2
      ['!!!!', 1, 2], // a repeated symbol: 1 per 8
      ['?!.,', 2, 3], // mixed punctuation: 1 per 2
      ['a\n\nb', 3, 4], // a newline run is 1
      ['x ', 2, 2], // a trailing space is not merged; v2 clamped to the 2 bytes
    ]
    for (const [text, legacy, v2] of cases) {
      expect([textTokens(text, 'legacy'), textTokens(text, 'v2')], JSON.stringify(text)).toEqual([legacy, v2])
    }
    expect(textTokens('', 'legacy')).toBe(0)
    expect(textTokens('', 'v2')).toBe(0)
  })

  it('costs more than 4 characters per token where real tokenizers do: base64, digits, CJK, emoji', () => {
    let seed = 7
    const noise = Uint8Array.from({ length: 3000 }, () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24)
    const b64 = base64Of(noise)
    expect(textTokens(b64, 'legacy')).toBeGreaterThan(b64.length / 2.5)
    expect(textTokens('31415926535897932384626433832795', 'legacy')).toBeGreaterThan(32 / 3)
    expect(textTokens('東京は晴れです。明日は雨でしょう。', 'legacy')).toBeGreaterThanOrEqual(15)
    expect(textTokens('🎉🎉🎉🎉', 'legacy')).toBe(8)
  })

  it('never exceeds the UTF-8 bytes (byte-level BPE), and non-empty text is at least 1 token: fuzzed, both tokenizers', () => {
    const pools = [
      'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
      '0123456789',
      '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
      ' \n\t\r',
      'éüßçñÅØœ',
      'жщыПриветЁ',
      'αβγΩλ',
      'مرحبا',
      'שלום',
      'नमस्ते',
      'สวัสดี',
      '漢字中文',
      'かなカナー',
      '한국어',
      'ԱբԳ',
      'ქართ',
      '\u0301\u0308',
      '\u200D\uFE0F',
      '\uD83D',
      '\uDC00',
      '\u0000\u001F\u007F',
      '\uE000\uFFFD',
      '€£¥©®™→∞',
    ]
    const astral = ['🌍', '👍🏽', '👨‍👩‍👧', '❤️', '🎉', '𝐀', '𝔸', '𠜎']
    let state = 42
    const rand = (n: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      return (state >>> 8) % n
    }
    const pick = (s: string) => {
      const chars = [...s]
      return chars[rand(chars.length)]!
    }
    const samples: string[] = []
    for (let i = 0; i < 1500; i++) {
      let text = ''
      const pieces = 1 + rand(40)
      for (let k = 0; k < pieces; k++) {
        const kind = rand(10)
        const ch = kind === 0 ? astral[rand(astral.length)]! : pick(pools[rand(pools.length)]!)
        text += kind === 1 ? ch.repeat(1 + rand(30)) : ch // runs of one character too
      }
      samples.push(text)
    }
    for (const n of [1, 2, 3, 4, 7, 8, 9, 16, 100, 1000]) {
      samples.push(
        '!'.repeat(n),
        '1'.repeat(n),
        'a'.repeat(n),
        ' '.repeat(n),
        '\n'.repeat(n),
        '🎉'.repeat(n),
        'é'.repeat(n),
        '\u0301'.repeat(n),
        '!?'.repeat(n),
      )
    }
    samples.push(base64Of(Uint8Array.from({ length: 999 }, (_, i) => (i * 37) & 0xff)), ...pools, ...astral)
    for (const text of samples) {
      const bytes = bytesOf(text)
      expect(utf8Bytes(text), JSON.stringify(text)).toBe(bytes)
      for (const tk of ['legacy', 'v2'] as const) {
        const n = textTokens(text, tk)
        expect(n, `${tk} ${JSON.stringify(text)}`).toBeGreaterThanOrEqual(1)
        expect(n, `${tk} ${JSON.stringify(text)}`).toBeLessThanOrEqual(bytes)
      }
    }
    // The clamp binds: one ASCII character is one byte, so one token even where v2 would say 2.
    expect(textTokens('!', 'v2')).toBe(1)
    expect(textTokens('7', 'v2')).toBe(1)
  })
})

describe('countTokens', () => {
  it('adds the fixed costs: 3 per request, 3 per message and system prompt, 8 per tool, 5 per tool block', () => {
    expect(countTokens(user('hello world'), 'claude-haiku-4-5')).toBe(3 + 3 + 2)
    expect(countTokens(user('hello world'), 'claude-opus-4-7')).toBe(3 + 3 + 3)
    const tool = { name: 'x', input_schema: { type: 'object' } }
    const withEverything = {
      system: 'be brief',
      tools: [tool],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'abcd' }, image(PNG_1X1)] },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'long thoughts', signature: 's' },
            { type: 'tool_use', id: 't', name: 'x', input: {} },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'abcd' }] },
      ],
    }
    const tk = 'legacy'
    expect(countTokens(withEverything, 'claude-haiku-4-5')).toBe(
      3 +
        (8 + textTokens(JSON.stringify(tool), tk)) +
        TOKEN_COSTS.toolUseAuto +
        (3 + textTokens('be brief', tk)) +
        (3 + textTokens('abcd', tk) + 1) +
        (3 + 0 + 5 + textTokens('x{}', tk)) +
        (3 + 5 + textTokens('abcd', tk)),
    )
  })

  it('bills the tool-use system prompt when tools are present: 346 (auto, none) or 313 (any, tool)', () => {
    const tool = { name: 'lookup', description: 'Look a word up', input_schema: { type: 'object' } }
    const bare = countTokens(user('hi'), 'claude-haiku-4-5')
    const withTools = (tool_choice?: unknown) =>
      countTokens({ ...user('hi'), tools: [tool], ...(tool_choice ? { tool_choice } : {}) }, 'claude-haiku-4-5')
    const definition = 8 + textTokens(JSON.stringify(tool), 'legacy')
    expect(withTools() - bare).toBe(definition + 346)
    expect(withTools({ type: 'auto' }) - bare).toBe(definition + 346)
    expect(withTools({ type: 'none' }) - bare).toBe(definition + 346)
    expect(withTools({ type: 'any' }) - bare).toBe(definition + 313)
    expect(withTools({ type: 'tool', name: 'lookup' }) - bare).toBe(definition + 313)
    expect(countTokens({ ...user('hi'), tools: [] }, 'claude-haiku-4-5')).toBe(bare)
  })

  it('bills images as Anthropic does: ceil(width × height / 750) after resizing to the model cap', () => {
    const bare = countTokens(user([{ type: 'text', text: 'look' }]), 'claude-haiku-4-5')
    const cost = (data: string, model: string) =>
      countTokens(user([{ type: 'text', text: 'look' }, image(data)]), model) - countTokens(user([{ type: 'text', text: 'look' }]), model)
    expect(countTokens(user([{ type: 'text', text: 'look' }, image(PNG_1X1)]), 'claude-haiku-4-5')).toBe(bare + 1)
    // 1000 × 1000 fits both caps: 1,000,000 / 750 → 1334.
    expect(cost(png(1000, 1000), 'claude-haiku-4-5')).toBe(1334)
    expect(cost(png(1000, 1000), 'claude-sonnet-5-5')).toBe(1334)
    // 2000 × 500: the 1568 px long edge (Claude ≤ 4.6) → 1568 × 392 → 820; fits 2576 px on 4.7+.
    expect(cost(png(2000, 500), 'claude-sonnet-4-6')).toBe(820)
    expect(cost(png(2000, 500), 'claude-opus-4-7')).toBe(1334)
    // 4000 × 3000: the token cap → 1264 × 948 (1598) on Claude ≤ 4.6, 2187 × 1640 (4783) on 4.7+.
    expect(cost(png(4000, 3000), 'claude-haiku-4-5')).toBe(1598)
    expect(cost(png(4000, 3000), 'claude-opus-4-8')).toBe(4783)
    expect(imageTokens(100_000, 100_000, 'legacy')).toBe(IMAGE_LIMITS.legacy.maxTokens - 1)
    for (const [w, h] of [
      [1, 1],
      [5000, 7],
      [7, 5000],
      [3000, 3000],
      [1568, 1568],
      [2576, 2576],
      [99_999, 3],
    ]) {
      for (const tk of ['legacy', 'v2'] as const) {
        expect(imageTokens(w!, h!, tk)).toBeLessThanOrEqual(IMAGE_LIMITS[tk].maxTokens)
        expect(imageTokens(w!, h!, tk)).toBeGreaterThanOrEqual(1)
      }
    }
  })

  it('bills URL and file images at the cap (the simulator cannot fetch them)', () => {
    const url = { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }
    const file = { type: 'image', source: { type: 'file', file_id: 'file_011' } }
    for (const [model, cap] of [
      ['claude-haiku-4-5', 1600],
      ['claude-sonnet-5-5', 4784],
    ] as const) {
      const bare = countTokens(user([{ type: 'text', text: 'look' }]), model)
      expect(countTokens(user([{ type: 'text', text: 'look' }, url]), model)).toBe(bare + cap)
      expect(countTokens(user([{ type: 'text', text: 'look' }, file]), model)).toBe(bare + cap)
    }
  })

  it('bills PDFs per page (image cap + 500 text), URL/file documents as 20 pages, text documents by their text', () => {
    const base = (model: string) => countTokens(user([{ type: 'text', text: 'read' }]), model)
    const withDoc = (doc: unknown, model: string) => countTokens(user([{ type: 'text', text: 'read' }, doc]), model) - base(model)
    expect(pdfPageTokens('legacy')).toBe(1600 + 500)
    expect(pdfPageTokens('v2')).toBe(4784 + 500)
    expect(withDoc(pdfBlock(pdf(3)), 'claude-haiku-4-5')).toBe(3 * 2100)
    expect(withDoc(pdfBlock(pdf(3)), 'claude-sonnet-5-5')).toBe(3 * 5284)
    expect(withDoc({ type: 'document', source: { type: 'url', url: 'https://x.test/a.pdf' } }, 'claude-haiku-4-5')).toBe(20 * 2100)
    expect(withDoc({ type: 'document', source: { type: 'file', file_id: 'file_011' } }, 'claude-opus-5')).toBe(20 * 5284)
    const data = 'Chapter one. It was a bright cold day in April.'
    expect(
      withDoc({ type: 'document', title: 'Novel', source: { type: 'text', media_type: 'text/plain', data } }, 'claude-haiku-4-5'),
    ).toBe(textTokens('Novel', 'legacy') + textTokens(data, 'legacy'))
    expect(
      withDoc(
        { type: 'document', source: { type: 'content', content: [{ type: 'text', text: data }, image(PNG_1X1)] } },
        'claude-haiku-4-5',
      ),
    ).toBe(textTokens(data, 'legacy') + 1)
  })

  it('answers 400 like the API for an image or a PDF it cannot read, on both routes', async () => {
    const { sim } = setup()
    const cases: [unknown, string][] = [
      [image(btoa('definitely not an image')), 'Could not process image'],
      [image('not base64!'), 'Could not process image'],
      [image(''), 'Could not process image'],
      [
        pdfBlock(btoa('<!DOCTYPE html><html>withdrawn</html>')),
        'messages.0.content.1.pdf.source.base64.data: The PDF specified was not valid.',
      ],
      [pdfBlock('%%%'), 'messages.0.content.1.pdf.source.base64.data: The PDF specified was not valid.'],
      [
        { type: 'document', source: { type: 'base64', media_type: 'text/html', data: btoa('<p>x</p>') } },
        "messages.0.content.1.source.media_type: Input should be 'application/pdf'",
      ],
    ]
    for (const [block, message] of cases) {
      const body = ask('ignored', { messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, block] }] })
      for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
        const res = await post(sim, path === '/v1/messages' ? body : { ...body, max_tokens: undefined }, HEADERS, path)
        expect(res.status, message).toBe(400)
        expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message } })
      }
    }
    // Inside a tool_result, the path names the nested block.
    const tools = [{ name: 'shot', input_schema: { type: 'object' } }]
    const nested = ask('x', {
      tools,
      messages: [
        { role: 'user', content: 'take a screenshot' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'shot', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [pdfBlock(btoa('nope'))] }] },
      ],
    })
    expect(await (await post(sim, nested)).json()).toMatchObject({
      error: { message: 'messages.2.content.0.content.0.pdf.source.base64.data: The PDF specified was not valid.' },
    })
  })

  it('the newer tokenizer (4.7+, 5.x) counts about 30 % more than Haiku 4.5', () => {
    const body = ask(long(400))
    const legacy = countTokens(body, 'claude-haiku-4-5')
    for (const model of ['claude-opus-4-7', 'claude-opus-4-8', 'claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-fable-5-1']) {
      expect(countTokens(body, model) / legacy).toBeCloseTo(1.3, 2)
    }
    expect(countTokens(body, 'claude-sonnet-4-6')).toBe(legacy)
  })

  it('count_tokens, usage.input_tokens and countTokens agree, images, PDFs and tools included', async () => {
    const { sim } = setup()
    const body = ask('ignored', {
      system: 'Be brief.',
      model: 'claude-sonnet-4-5',
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is the weather like in Paris today? 東京は? [sim tokens=3]' },
            image(png(3000, 2000)),
            pdfBlock(pdf(2)),
            { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } },
          ],
        },
      ],
    })
    const counted = (await (await post(sim, { ...body, max_tokens: undefined }, undefined, '/v1/messages/count_tokens')).json()) as any
    const reply = (await (await post(sim, body)).json()) as any
    expect(counted.input_tokens).toBe(countTokens(body, 'claude-sonnet-4-5'))
    expect(counted.input_tokens).toBeGreaterThan(2 * 2100 + 1600 + 346)
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
    const first = ((await (await post(sim, body)).json()) as any).usage
    const second = ((await (await post(sim, ask('Question two', { system }))).json()) as any).usage
    expect(first.cache_creation_input_tokens).toBeGreaterThan(2048)
    expect(first).toMatchObject({
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: first.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
    })
    expect(first.input_tokens + first.cache_creation_input_tokens).toBe(total)
    expect(second).toMatchObject({ cache_read_input_tokens: first.cache_creation_input_tokens, cache_creation_input_tokens: 0 })
    expect(second.input_tokens + second.cache_read_input_tokens).toBe(countTokens(ask('Question two', { system }), 'claude-haiku-5-5'))
  })

  it('is per model, honours ttl, and the top-level cache_control marks the last block', async () => {
    const { sim } = setup()
    const oneHour = [{ ...system[0], cache_control: { type: 'ephemeral', ttl: '1h' } }]
    const a = ((await (await post(sim, ask('q', { system: oneHour }))).json()) as any).usage
    expect(a.cache_creation.ephemeral_1h_input_tokens).toBe(a.cache_creation_input_tokens)
    const b = ((await (await post(sim, ask('q', { system: oneHour, model: 'claude-opus-5-5' }))).json()) as any).usage
    expect(b.cache_read_input_tokens).toBe(0)
    const auto = ask(long(400), { cache_control: { type: 'ephemeral' } })
    const c1 = ((await (await post(sim, auto)).json()) as any).usage
    const c2 = ((await (await post(sim, auto)).json()) as any).usage
    expect(c1.cache_creation_input_tokens).toBe(countTokens(auto, 'claude-haiku-5-5'))
    expect(c2).toMatchObject({ cache_read_input_tokens: c1.cache_creation_input_tokens, input_tokens: 0 })
  })

  it('does not cache prefixes under the model minimum (or cacheMinTokens); reset() forgets the cache', async () => {
    const { sim } = setup()
    const short = ask('q', { system: [{ type: 'text', text: 'short', cache_control: { type: 'ephemeral' } }] })
    expect(((await (await post(sim, short)).json()) as any).usage.cache_creation_input_tokens).toBe(0)
    const medium = ask('q', { system: [{ type: 'text', text: long(200), cache_control: { type: 'ephemeral' } }] })
    expect(countTokens(medium, 'claude-sonnet-5-5')).toBeGreaterThan(1024)
    expect(countTokens(medium, 'claude-sonnet-5-5')).toBeLessThan(2048)
    expect(((await (await post(sim, medium)).json()) as any).usage.cache_creation_input_tokens).toBe(0)
    expect(
      ((await (await post(sim, { ...medium, model: 'claude-sonnet-5-5' })).json()) as any).usage.cache_creation_input_tokens,
    ).toBeGreaterThan(0)
    const { sim: low } = setup({ cacheMinTokens: 1 })
    expect(((await (await post(low, short)).json()) as any).usage.cache_creation_input_tokens).toBeGreaterThan(0)
    const body = ask('q', { system })
    await post(sim, body)
    sim.reset()
    expect(((await (await post(sim, body)).json()) as any).usage.cache_read_input_tokens).toBe(0)
  })

  it('reports cache usage in message_start and message_delta of a stream', async () => {
    const { client } = setup()
    const body = ask('q', { system }) as never
    await client.messages.create(body)
    const msg = await client.messages.stream(body).finalMessage()
    expect(msg.usage.cache_read_input_tokens).toBeGreaterThan(1024)
  })
})
