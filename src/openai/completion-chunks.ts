import type Anthropic from '@anthropic-ai/sdk'
import type { Usage } from '../models/cost.ts'
import { completionId, completionUsage, finishReason } from './from-anthropic.ts'
import type { ChatCompletionChunk, ChunkDelta } from './types.ts'

export interface CompletionChunksOptions {
  /** The model that answers (after fallbacks), as its catalogue id. */
  model: string
  /** `stream_options.include_usage`: `usage: null` on every chunk, then a usage chunk at the end. */
  includeUsage: boolean
  /** Unix seconds, the same on every chunk. Default: now. */
  created?: number
}

/**
 * Turns one model call's Anthropic stream events into `chat.completion.chunk`s as they arrive:
 * `message_start` → the role chunk, text deltas → `content`, a `tool_use` block → a tool call
 * (`id`, `type`, `name`) whose JSON input follows as `arguments` fragments. Thinking is left
 * out. `finish` writes the `finish_reason` chunk and, when asked for, the usage chunk.
 */
export class CompletionChunks {
  readonly #sink: (chunk: ChatCompletionChunk) => void
  readonly #model: string
  readonly #created: number
  readonly #includeUsage: boolean
  #id = ''
  /** Anthropic block index → OpenAI tool call index (tool calls count from 0 in reply order). */
  readonly #tools = new Map<number, number>()
  /** Tool calls that got argument text; the others get `{}` when their block ends. */
  readonly #withArguments = new Set<number>()

  constructor(sink: (chunk: ChatCompletionChunk) => void, options: CompletionChunksOptions) {
    this.#sink = sink
    this.#model = options.model
    this.#includeUsage = options.includeUsage
    this.#created = options.created ?? Math.floor(Date.now() / 1000)
  }

  add(event: Anthropic.RawMessageStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.#id = completionId(event.message.id)
        this.#delta({ role: 'assistant', content: '' })
        return
      case 'content_block_start': {
        const block = event.content_block
        if (block.type === 'text' && block.text) this.#delta({ content: block.text })
        if (block.type !== 'tool_use') return
        const index = this.#tools.size
        this.#tools.set(event.index, index)
        this.#delta({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })
        return
      }
      case 'content_block_delta': {
        const delta = event.delta
        if (delta.type === 'text_delta' && delta.text) {
          this.#delta({ content: delta.text })
          return
        }
        const index = this.#tools.get(event.index)
        if (delta.type !== 'input_json_delta' || index === undefined || !delta.partial_json) return
        this.#withArguments.add(index)
        this.#delta({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] })
        return
      }
      case 'content_block_stop': {
        const index = this.#tools.get(event.index)
        // A call without input streams no JSON; clients JSON.parse `arguments`, so give them `{}`.
        if (index !== undefined && !this.#withArguments.has(index)) this.#delta({ tool_calls: [{ index, function: { arguments: '{}' } }] })
        return
      }
    }
  }

  /** The last chunks: `finish_reason`, then (with `includeUsage`) the usage with no choices. */
  finish(stopReason: string | null, usage: Usage): void {
    this.#write([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason(stopReason) }])
    if (this.#includeUsage) this.#sink({ ...this.#base(), choices: [], usage: completionUsage(usage) })
  }

  #delta(delta: ChunkDelta): void {
    this.#write([{ index: 0, delta, logprobs: null, finish_reason: null }])
  }

  #write(choices: ChatCompletionChunk['choices']): void {
    this.#sink({ ...this.#base(), choices, ...(this.#includeUsage && { usage: null }) })
  }

  #base() {
    return { id: this.#id, object: 'chat.completion.chunk' as const, created: this.#created, model: this.#model }
  }
}
