import { parseJsonEventStream, readUIMessageStream, uiMessageChunkSchema, type UIMessage } from 'ai'
import { describe, expect, it } from 'vitest'
import { createChatClient } from '../../client/create-chat-client.ts'
import { bytesIn, DONE_FRAME, helloFrames, sse, streamResponse } from './frames.ts'

/** The same bytes through the pinned `ai` package, as `useChat`'s DefaultChatTransport reads them. */
async function readWithAiSdk(wire: string): Promise<UIMessage> {
  const chunks = parseJsonEventStream({ stream: bytesIn([wire]), schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream({
      transform(result, controller) {
        if (!result.success) throw result.error
        controller.enqueue(result.value)
      },
    }),
  )
  let last: UIMessage | undefined
  for await (const message of readUIMessageStream({ stream: chunks, terminateOnError: true })) last = message
  return last!
}

const toolFrames = [
  sse({ type: 'start', messageId: 'm' }),
  sse({ type: 'start-step' }),
  sse({ type: 'text-start', id: 'a' }),
  sse({ type: 'text-delta', id: 'a', delta: 'Checking.' }),
  sse({ type: 'text-end', id: 'a' }),
  sse({ type: 'tool-input-start', toolCallId: 'c1', toolName: 'get_weather', providerExecuted: true }),
  sse({ type: 'tool-input-delta', toolCallId: 'c1', inputTextDelta: '{"city":"Oslo"}' }),
  sse({ type: 'tool-input-available', toolCallId: 'c1', toolName: 'get_weather', input: { city: 'Oslo' }, providerExecuted: true }),
  sse({ type: 'tool-output-available', toolCallId: 'c1', output: { temp: -3 }, providerExecuted: true }),
  sse({ type: 'finish-step' }),
  sse({ type: 'start-step' }),
  sse({ type: 'reasoning-start', id: 'r' }),
  sse({ type: 'reasoning-delta', id: 'r', delta: 'Cold.' }),
  sse({ type: 'reasoning-end', id: 'r' }),
  sse({ type: 'text-start', id: 'b' }),
  sse({ type: 'text-delta', id: 'b', delta: 'It is -3 °C.' }),
  sse({ type: 'text-end', id: 'b' }),
  sse({ type: 'finish-step' }),
  sse({ type: 'finish', finishReason: 'stop', messageMetadata: { model: 'claude-haiku-5-5', cost_usd: 0.001 } }),
  DONE_FRAME,
]

describe('parity with the pinned ai package', () => {
  for (const [name, frames] of [
    ['text', helloFrames],
    ['tools and reasoning', toolFrames],
  ] as const) {
    it(`reads the ${name} stream like useChat does`, async () => {
      const wire = frames.join('')
      const sdk = await readWithAiSdk(wire)
      const fetch = (async () => streamResponse(wire)) as unknown as typeof globalThis.fetch
      const ours = await createChatClient({ endpoint: '/s', fetch }).send('x').result

      type Part = { type: string; text?: string; id?: string; state?: string; input?: unknown; output?: unknown }
      const sdkParts = sdk.parts.flatMap((part): Part[] => {
        if (part.type === 'text' || part.type === 'reasoning') return [{ type: part.type, text: part.text }]
        if (part.type.startsWith('tool-')) {
          const tool = part as { toolCallId: string; state: string; input: unknown; output: unknown }
          return [{ type: 'tool', id: tool.toolCallId, state: tool.state, input: tool.input, output: tool.output }]
        }
        return []
      })
      const ourParts = ours.parts.map(
        (part): Part =>
          part.type === 'tool'
            ? {
                type: 'tool',
                id: part.toolCall.toolCallId,
                state: part.toolCall.state,
                input: part.toolCall.input,
                output: part.toolCall.output,
              }
            : { type: part.type, text: part.text },
      )
      expect(ourParts).toEqual(sdkParts)
      expect(ours.metadata).toEqual(sdk.metadata)
      expect(ours.messageId).toBe(sdk.id)
    })
  }
})
