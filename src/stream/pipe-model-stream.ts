import { parseToolInput } from './message-accumulator.ts'
import { consumeModelStream, type ModelStreamEvents, type ModelStreamOptions, type ModelStreamResult } from './model-stream.ts'
import type { UIStreamWriter } from './ui-stream-writer.ts'

/**
 * Pipes ONE model call's stream into the UI writer as it arrives: text → text parts, thinking →
 * reasoning parts, tool_use → tool input parts (streamed, then `tool-input-available` with the
 * parsed input), server tool results → tool outputs. Does not start or finish the step or the
 * message: the caller (the chat handler or the tool loop) does. Returns the final message and
 * its usage (recorded in the meter, partially when cut short); throws like `consumeModelStream`.
 *
 * @example
 * const { value: stream, model } = await c.get('upstream').stream(params, { signal, meter, pace: c.get('pace') })
 * writer.startStep()
 * const { message } = await pipeModelStream(stream, writer, { model, meter, signal, idleTimeoutMs })
 * writer.finishStep()
 */
export function pipeModelStream(
  stream: ModelStreamEvents,
  writer: UIStreamWriter,
  options: ModelStreamOptions,
): Promise<ModelStreamResult> {
  const parts = new Map<
    number,
    { kind: 'text'; id: string } | { kind: 'reasoning'; id: string } | { kind: 'tool'; id: string; name: string; providerExecuted: boolean }
  >()
  return consumeModelStream(stream, options, (event, acc) => {
    switch (event.type) {
      case 'content_block_start': {
        const block = event.content_block
        if (block.type === 'text') parts.set(event.index, { kind: 'text', id: writer.textStart() })
        else if (block.type === 'thinking') parts.set(event.index, { kind: 'reasoning', id: writer.reasoningStart() })
        else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
          const providerExecuted = block.type === 'server_tool_use'
          parts.set(event.index, { kind: 'tool', id: block.id, name: block.name, providerExecuted })
          writer.toolInputStart(block.id, block.name, providerExecuted ? { providerExecuted } : {})
        } else if ('tool_use_id' in block && typeof block.tool_use_id === 'string') {
          // Results of Anthropic-run tools (web search, code execution …) arrive whole.
          writer.toolOutput(block.tool_use_id, (block as { content?: unknown }).content ?? null, { providerExecuted: true })
        }
        break
      }
      case 'content_block_delta': {
        const part = parts.get(event.index)
        const delta = event.delta
        if (!part) break
        if (delta.type === 'text_delta' && part.kind === 'text') writer.textDelta(part.id, delta.text)
        else if (delta.type === 'thinking_delta' && part.kind === 'reasoning') writer.reasoningDelta(part.id, delta.thinking)
        else if (delta.type === 'input_json_delta' && part.kind === 'tool') writer.toolInputDelta(part.id, delta.partial_json)
        break
      }
      case 'content_block_stop': {
        const part = parts.get(event.index)
        if (!part) break
        if (part.kind === 'text') writer.textEnd(part.id)
        else if (part.kind === 'reasoning') writer.reasoningEnd(part.id)
        else if (part.kind === 'tool') {
          const options = part.providerExecuted ? { providerExecuted: true } : {}
          const parsed = parseToolInput(acc.toolInputText(event.index) ?? '')
          if (parsed.ok) writer.toolInputAvailable(part.id, part.name, parsed.input, options)
          else
            writer.toolInputError(
              part.id,
              part.name,
              parsed.input,
              `The model sent tool input that is not valid JSON: ${parsed.error}`,
              options,
            )
        }
        break
      }
    }
  })
}
