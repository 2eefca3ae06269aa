import { describe, expect, it } from 'vitest'
import { BOUND_OVERHEAD, imageCapTokens, localInputBound } from '../../src/admission/input-bound.ts'
import { boundInputTokens, COUNT_TOKENS_ABOVE, COUNT_TOKENS_MARGIN } from '../../src/admission/count-bound.ts'
import { countTokens } from '../../src/simulator/index.ts'
import { Catalogue } from '../../src/models/catalogue.ts'
import { pngHeader } from '../support/images.ts'

const catalogue = new Catalogue()
const haiku45 = catalogue.get('claude-haiku-4-5')!
const sonnet55 = catalogue.get('claude-sonnet-5-5')!
const utf8 = (s: string) => new TextEncoder().encode(s).length

const hard = {
  'CJK prose': '漢字仮名交じり文は日本語の表記法です。'.repeat(200),
  code: 'function f(a,b){return a.map((x)=>x*b).filter(Boolean)}\n'.repeat(100),
  base64: btoa(String.fromCharCode(...Array.from({ length: 3000 }, (_, i) => (i * 97) % 256))),
  'long numbers': '31415926535897932384626433832795028841971693993751'.repeat(60),
  emoji: '🌍🚀👩‍💻🎉'.repeat(300),
  punctuation: '!?.,;:()[]{}<>'.repeat(300),
}

describe('the input bound never undercounts what the simulator bills', () => {
  it.each(Object.entries(hard))('%s, on both tokenizer families', (_name, text) => {
    for (const model of [haiku45, sonnet55]) {
      const body = {
        system: text,
        messages: [
          { role: 'user', content: text },
          { role: 'assistant', content: [{ type: 'text', text }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: text }] },
        ],
      }
      expect(localInputBound(body, model).tokens).toBeGreaterThanOrEqual(countTokens({ model: model.id, max_tokens: 1, ...body }, model.id))
    }
  })

  it('counts text by its UTF-8 bytes: a token covers at least one byte', () => {
    const text = 'ça coûte 漢字 🌍'
    const bound = localInputBound({ messages: [{ role: 'user', content: text }] }, sonnet55)
    expect(bound.tokens).toBe(BOUND_OVERHEAD.request + BOUND_OVERHEAD.message + utf8(text))
  })

  it('adds the tool-use system prompt and each tool definition as JSON bytes', () => {
    const tool = {
      name: 'get_weather',
      description: 'Weather for a city',
      input_schema: { type: 'object', properties: { city: { type: 'string' } } },
    }
    const without = localInputBound({ messages: [{ role: 'user', content: 'x' }] }, sonnet55).tokens
    const withTool = localInputBound({ messages: [{ role: 'user', content: 'x' }], tools: [tool] }, sonnet55).tokens
    expect(withTool - without).toBe(BOUND_OVERHEAD.toolUse + BOUND_OVERHEAD.block + utf8(JSON.stringify(tool)))
    const bash = localInputBound(
      { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'bash_20250124', name: 'bash' }] },
      sonnet55,
    ).tokens
    expect(bash - without).toBeGreaterThanOrEqual(BOUND_OVERHEAD.toolUse + BOUND_OVERHEAD.anthropicTool)
  })

  it("bounds images by their decoded size, up to the model's cap, whatever their bytes", () => {
    const image = (data: string) => ({
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data } }] }],
    })
    const fixed = BOUND_OVERHEAD.request + BOUND_OVERHEAD.message + BOUND_OVERHEAD.block
    // A tiny file claiming 1000 × 750 pixels: 1000 tokens, not its 44 bytes.
    expect(localInputBound(image(pngHeader(1000, 750)), sonnet55).tokens).toBe(fixed + 1000)
    // Huge: resized by Anthropic, so the cap bounds it (larger on the newer models).
    expect(localInputBound(image(pngHeader(8000, 8000)), haiku45).tokens).toBe(fixed + imageCapTokens(haiku45))
    expect(localInputBound(image(pngHeader(8000, 8000)), sonnet55).tokens).toBe(fixed + imageCapTokens(sonnet55))
    expect(imageCapTokens(sonnet55)).toBeGreaterThan(imageCapTokens(haiku45))
    // Unreadable, or from a URL: the cap.
    expect(localInputBound(image('bm90IGFuIGltYWdl'), sonnet55).tokens).toBe(fixed + imageCapTokens(sonnet55))
    const url = { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }] }] }
    expect(localInputBound(url, haiku45).tokens).toBe(fixed + imageCapTokens(haiku45))
  })

  it('marks PDFs and URL/file documents as opaque, and notes cache TTLs', () => {
    const bound = localInputBound(
      {
        system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', ttl: '1h' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
              { type: 'document', source: { type: 'url', url: 'https://x.test/a.pdf' } },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain' } },
            ],
          },
        ],
      },
      sonnet55,
    )
    expect(bound.opaque).toEqual(['messages.0.content.0 (application/pdf)', 'messages.0.content.1 (url source)'])
    expect(bound).toMatchObject({ cacheControl: true, oneHourCache: true })
  })
})

describe('boundInputTokens: count_tokens where the gateway cannot see', () => {
  const pdf = {
    messages: [
      { role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } }] },
    ],
  }

  it('bounds opaque content by count_tokens × margin, and refuses it when nothing can count', async () => {
    const bound = await boundInputTokens(pdf, sonnet55, async () => 5000)
    expect(bound).toMatchObject({ tokens: Math.ceil(5000 * COUNT_TOKENS_MARGIN) + 64, counted: true })
    await expect(boundInputTokens(pdf, sonnet55)).rejects.toThrow(/cannot be bounded before the call/)
    await expect(
      boundInputTokens(pdf, sonnet55, async () => {
        throw new Error('down')
      }),
    ).rejects.toThrow(/cannot be checked right now/)
  })

  it('asks count_tokens for large text only, and keeps the smaller bound', async () => {
    const small = { messages: [{ role: 'user', content: 'hello' }] }
    let asked = 0
    const count = async () => (asked++, 10)
    expect((await boundInputTokens(small, sonnet55, count)).counted).toBe(false)
    expect(asked).toBe(0)
    const large = { messages: [{ role: 'user', content: 'word '.repeat(COUNT_TOKENS_ABOVE) }] }
    const bound = await boundInputTokens(large, sonnet55, async () => 40_000)
    expect(bound.tokens).toBe(Math.ceil(40_000 * COUNT_TOKENS_MARGIN) + 64)
    // count_tokens failing on text: the local bound stands.
    expect(
      (
        await boundInputTokens(large, sonnet55, async () => {
          throw new Error('down')
        })
      ).tokens,
    ).toBe(localInputBound(large, sonnet55).tokens)
  })
})
