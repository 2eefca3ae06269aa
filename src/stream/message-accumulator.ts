import type Anthropic from '@anthropic-ai/sdk'
import { toUsage, type Usage } from '../models/cost.ts'

type Event = Anthropic.RawMessageStreamEvent
type Block = Anthropic.ContentBlock

/**
 * Rebuilds the final `Anthropic.Message` from stream events, and knows the usage so far at any
 * point (for a stream cut short: what was already spent still counts).
 */
export class MessageAccumulator {
  #message: Anthropic.Message | undefined
  #json = new Map<number, string>()
  #streamedChars = 0
  #complete = false
  #finalCounts = false

  /** `message_start` was seen: the call is billed from here on. */
  get started(): boolean {
    return this.#message !== undefined
  }

  /** `message_stop` was seen. */
  get complete(): boolean {
    return this.#complete
  }

  add(event: Event): void {
    if (event.type === 'message_start') {
      this.#message = { ...event.message, content: [], usage: { ...event.message.usage } }
      return
    }
    const message = this.#message
    if (!message) return
    switch (event.type) {
      case 'content_block_start': {
        const block = { ...event.content_block } as Block
        if (block.type === 'tool_use' || block.type === 'server_tool_use') this.#json.set(event.index, '')
        message.content[event.index] = block
        break
      }
      case 'content_block_delta': {
        const block = message.content[event.index] as Record<string, unknown> | undefined
        if (!block) break
        const delta = event.delta
        switch (delta.type) {
          case 'text_delta':
            block.text = `${block.text ?? ''}${delta.text}`
            this.#streamedChars += delta.text.length
            break
          case 'thinking_delta':
            block.thinking = `${block.thinking ?? ''}${delta.thinking}`
            this.#streamedChars += delta.thinking.length
            break
          case 'signature_delta':
            block.signature = delta.signature
            break
          case 'input_json_delta':
            this.#json.set(event.index, (this.#json.get(event.index) ?? '') + delta.partial_json)
            this.#streamedChars += delta.partial_json.length
            break
          case 'citations_delta':
            block.citations = [...((block.citations as unknown[] | null) ?? []), delta.citation]
            break
        }
        break
      }
      case 'content_block_stop': {
        const json = this.#json.get(event.index)
        const block = message.content[event.index] as Record<string, unknown> | undefined
        if (json !== undefined && block) block.input = parseToolInput(json).input
        break
      }
      case 'message_delta': {
        message.stop_reason = event.delta.stop_reason
        message.stop_sequence = event.delta.stop_sequence
        const usage = message.usage as unknown as Record<string, unknown>
        // Counts are cumulative; a field the delta leaves null keeps its message_start value.
        for (const [key, value] of Object.entries(event.usage)) if (value != null) usage[key] = value
        this.#finalCounts = true
        break
      }
      case 'message_stop':
        this.#complete = true
        break
    }
  }

  /** The raw JSON text of a tool_use block's input so far. */
  toolInputText(index: number): string | undefined {
    return this.#json.get(index)
  }

  /** The message as assembled so far (undefined before `message_start`). */
  get message(): Anthropic.Message | undefined {
    return this.#message
  }

  /**
   * Usage so far. Until `message_delta` reports the output count, it is estimated from what was
   * streamed (about 4 characters a token), so an aborted stream is not recorded as free.
   */
  usage(): Usage {
    const usage = toUsage(this.#message?.usage)
    if (this.#finalCounts) return usage
    const estimate = Math.ceil(this.#streamedChars / 4)
    return { ...usage, output_tokens: Math.max(usage.output_tokens, estimate) }
  }
}

/** Parses a tool input's JSON text (empty means `{}`). */
export function parseToolInput(json: string): { ok: true; input: unknown } | { ok: false; input: string; error: string } {
  if (!json.trim()) return { ok: true, input: {} }
  try {
    return { ok: true, input: JSON.parse(json) }
  } catch (err) {
    return { ok: false, input: json, error: err instanceof Error ? err.message : 'invalid JSON' }
  }
}
