import type Anthropic from '@anthropic-ai/sdk'
import { GatewayError } from '../errors.ts'
import type { ModelInfo } from '../models/catalogue.ts'
import { messageTokens, systemTokens, TOKEN_OVERHEAD } from './estimate-tokens.ts'

export interface FitContextOptions {
  /** Most estimated input tokens allowed (`MAX_INPUT_TOKENS`). */
  maxInputTokens: number
  /** What to do above it (`CONTEXT_OVERFLOW`): drop the oldest turns, or answer 413. */
  overflow: 'trim' | 'reject'
  /** Tokens the request will add beyond system + messages (e.g. tool definitions). Default: 0. */
  reservedTokens?: number
}

export interface ContextReport {
  /** Estimated input tokens as received. */
  estimated_input_tokens: number
  /** Estimated input tokens after trimming (equal when nothing was dropped). */
  sent_input_tokens: number
  /** The limit applied: `MAX_INPUT_TOKENS`, or less when the model's window is smaller. */
  max_input_tokens: number
  /** Messages dropped from the start of the conversation (after the first user turn). */
  dropped_messages: number
}

export interface FittedContext {
  messages: Anthropic.MessageParam[]
  report: ContextReport
}

function hasToolResult(message: Anthropic.MessageParam): boolean {
  return Array.isArray(message.content) && message.content.some((b) => b.type === 'tool_result')
}

/**
 * Keeps a conversation under the input-token limit. Under it: unchanged. Over it with `trim`:
 * drops the oldest messages after the first user turn, keeping the system prompt, that first
 * turn and the latest turns, and never separating a `tool_use` from its `tool_result` (the kept
 * part never starts with a message that answers a dropped tool call). A 413 `request_too_large`
 * with the estimated and allowed numbers when any single message is alone above the limit (both
 * modes), with `reject` when the conversation is over it, and with `trim` when even the shortest
 * valid conversation is.
 */
export function fitContext(
  params: { system?: unknown; messages: Anthropic.MessageParam[] },
  model: Pick<ModelInfo, 'id' | 'tokenizer' | 'contextWindow'>,
  maxTokens: number,
  options: FitContextOptions,
): FittedContext {
  const { maxInputTokens, overflow, reservedTokens = 0 } = options
  const tk = model.tokenizer
  const limit = Math.min(maxInputTokens, model.contextWindow - maxTokens)
  const { messages } = params
  const sizes = messages.map((m) => messageTokens(m, tk))
  const fixed = TOKEN_OVERHEAD.request + systemTokens(params.system, tk) + reservedTokens
  const total = fixed + sizes.reduce((a, b) => a + b, 0)
  const report = (sent: number, dropped: number): ContextReport => ({
    estimated_input_tokens: total,
    sent_input_tokens: sent,
    max_input_tokens: limit,
    dropped_messages: dropped,
  })
  if (total <= limit) return { messages, report: report(total, 0) }

  // A single message above the limit is always a 413 with numbers, in both modes: trimming
  // would silently drop what is most likely the content the user cares about (a pasted log).
  const oversized = sizes.findIndex((size) => size + fixed > limit)
  if (oversized !== -1) {
    throw tooLarge(
      `messages.${oversized} alone is about ${sizes[oversized]} tokens (with the system prompt ${sizes[oversized]! + fixed}), above the limit of ${limit} input tokens for ${model.id}. Shorten or split it.`,
    )
  }
  if (overflow === 'reject') {
    throw tooLarge(
      `The conversation is about ${total} input tokens, above the limit of ${limit} for ${model.id} (MAX_INPUT_TOKENS). Start a new conversation or send fewer messages.`,
    )
  }

  // Keep messages[0] and messages[cut…]; the smallest valid cut that fits drops the fewest turns.
  let kept = total - sizes.slice(1).reduce((a, b) => a + b, 0)
  const suffix: number[] = new Array(messages.length + 1).fill(0)
  for (let i = messages.length - 1; i >= 1; i--) suffix[i] = suffix[i + 1]! + sizes[i]!
  for (let cut = 1; cut < messages.length; cut++) {
    const candidate = messages[cut]!
    // A kept message that answers a dropped tool call would break the pair; the API also merges
    // two consecutive user turns, so a cut may land on a user message too.
    if (hasToolResult(candidate)) continue
    const size = kept + suffix[cut]!
    if (size <= limit) {
      return { messages: [messages[0]!, ...messages.slice(cut)], report: report(size, cut - 1) }
    }
  }
  kept += sizes.at(-1)!
  throw tooLarge(
    `The conversation is about ${total} input tokens, above the limit of ${limit} for ${model.id}, and even its first and latest turns (about ${kept}) do not fit. Shorten the latest message.`,
  )
}

function tooLarge(message: string): GatewayError {
  return new GatewayError('request_too_large', message)
}
