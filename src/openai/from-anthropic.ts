import type Anthropic from '@anthropic-ai/sdk'
import type { Usage } from '../models/cost.ts'
import type { ChatCompletion, CompletionUsage, FinishReason, ToolCall } from './types.ts'

const FINISH_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
}

/** Anthropic's `stop_reason` as OpenAI's `finish_reason`; a refusal is `content_filter`. */
export function finishReason(stopReason: string | null): FinishReason {
  return FINISH_REASONS[stopReason ?? ''] ?? 'stop'
}

/** `chatcmpl-…` from the message id, so both ids name the same reply in logs. */
export function completionId(messageId: string): string {
  return `chatcmpl-${messageId.replace(/^msg_/, '')}`
}

/** `prompt_tokens` counts plain input, cache writes and cache reads, as OpenAI counts cached tokens in it. */
export function completionUsage(usage: Usage): CompletionUsage {
  const prompt = usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: usage.cache_read_input_tokens, cache_write_tokens: usage.cache_creation_input_tokens },
  }
}

export interface ChatCompletionOptions {
  /** The model that answered (after fallbacks), as its catalogue id. */
  model: string
  usage: Usage
  /** Unix seconds. Default: now. */
  created?: number
}

/** A whole reply as a `chat.completion`: text joined, `tool_use` blocks as `tool_calls`, thinking left out. */
export function toChatCompletion(message: Anthropic.Message, options: ChatCompletionOptions): ChatCompletion {
  const { model, usage, created = Math.floor(Date.now() / 1000) } = options
  let text = ''
  const toolCalls: ToolCall[] = []
  for (const block of message.content) {
    if (block.type === 'text') text += block.text
    if (block.type === 'tool_use')
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } })
  }
  return {
    id: completionId(message.id),
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || (toolCalls.length ? null : ''),
          refusal: null,
          ...(toolCalls.length && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: finishReason(message.stop_reason),
      },
    ],
    usage: completionUsage(usage),
  }
}
