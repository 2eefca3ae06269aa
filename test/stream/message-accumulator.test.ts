import type Anthropic from '@anthropic-ai/sdk'
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream'
import { describe, expect, it } from 'vitest'
import { MessageAccumulator } from '../../src/stream/message-accumulator.ts'

// Real Anthropic streams (one data object per line), recorded by vercel/ai; see the fixtures README.
const fixtures = import.meta.glob('../simulator/fixtures/*.chunks.txt', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>

const eventsOf = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Anthropic.RawMessageStreamEvent)

/** The SDK's own accumulation of the same events (messages.stream's finalMessage). */
async function sdkFinal(events: Anthropic.RawMessageStreamEvent[]): Promise<Anthropic.Message> {
  const body = new ReadableStream({
    start(c) {
      for (const e of events) c.enqueue(new TextEncoder().encode(`${JSON.stringify(e)}\n`))
      c.close()
    },
  })
  return MessageStream.fromReadableStream(body).finalMessage()
}

describe('MessageAccumulator', () => {
  it('finds the fixtures', () => {
    expect(Object.keys(fixtures).length).toBeGreaterThanOrEqual(5)
  })

  it.each(Object.entries(fixtures))('rebuilds %s exactly as the SDK does', async (_name, text) => {
    const events = eventsOf(text)
    const acc = new MessageAccumulator()
    for (const e of events) acc.add(e)
    expect(acc.complete).toBe(true)
    const sdk = await sdkFinal(events)
    const mine = JSON.parse(JSON.stringify(acc.message)) as Anthropic.Message
    expect(mine.content).toEqual(JSON.parse(JSON.stringify(sdk.content)))
    expect(mine.stop_reason).toBe(sdk.stop_reason)
    expect(mine.usage.output_tokens).toBe(sdk.usage.output_tokens)
    expect(acc.usage().input_tokens).toBe(sdk.usage.input_tokens)
  })

  it('estimates the output of a stream cut before message_delta, and trusts message_delta after', () => {
    const events = eventsOf(fixtures['../simulator/fixtures/anthropic-text.chunks.txt']!)
    const acc = new MessageAccumulator()
    const cut = events.findIndex((e) => e.type === 'message_delta')
    for (const e of events.slice(0, cut)) acc.add(e)
    const streamed = events
      .flatMap((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? [e.delta.text] : []))
      .join('')
    expect(acc.complete).toBe(false)
    expect(acc.usage().output_tokens).toBe(Math.max((events[0] as any).message.usage.output_tokens, Math.ceil(streamed.length / 4)))
    for (const e of events.slice(cut)) acc.add(e)
    expect(acc.usage().output_tokens).toBe((events[cut] as any).usage.output_tokens)
  })
})
