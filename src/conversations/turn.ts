import type Anthropic from '@anthropic-ai/sdk'
import type { Identity } from '../auth/identity.ts'
import { GatewayError } from '../errors.ts'
import { messageTokens, type Tokenizer } from '../context/estimate-tokens.ts'
import { isServerIssued, isValidConversationId } from './ids.ts'
import { pruneConversation } from './prune.ts'
import type { Conversation, ConversationBounds, ConversationStore } from './types.ts'

/** Where a request names its conversation: `conversation_id`, `metadata.conversation_id`, or useChat's `id`. */
export interface ConversationRef {
  id: string
  /** From useChat's body `id`: a conversation only when it can be one (never an error). */
  implicit: boolean
  /** `trigger: "regenerate-message"` (useChat, the widget): answer the last user message again. */
  regenerate: boolean
}

/** The conversation a chat request continues: what was stored, and what this request adds. */
export interface ConversationTurn {
  conversation: Conversation
  /** Messages this request adds (the new user message, or tool results). */
  added: Anthropic.MessageParam[]
}

export function conversationRef(body: unknown): ConversationRef | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const b = body as {
    conversation_id?: unknown
    metadata?: { conversation_id?: unknown }
    id?: unknown
    messages?: unknown
    trigger?: unknown
  }
  const regenerate = b.trigger === 'regenerate-message'
  const explicit = typeof b.conversation_id === 'string' ? b.conversation_id : b.metadata?.conversation_id
  if (typeof explicit === 'string') return { id: explicit, implicit: false, regenerate }
  const ui = Array.isArray(b.messages) && b.messages.some((m) => typeof m === 'object' && m !== null && 'parts' in m)
  return ui && typeof b.id === 'string' ? { id: b.id, implicit: true, regenerate } : undefined
}

/**
 * Whether the request continues (or starts) a stored conversation. An explicit id that cannot be
 * used is a clear error; useChat's own `id` simply leaves the request stateless then.
 */
export function usableRef(ref: ConversationRef | undefined, identity: Identity): ConversationRef | undefined {
  if (!ref) return undefined
  if (!isValidConversationId(ref.id)) {
    if (ref.implicit) return undefined
    throw new GatewayError(
      'invalid_request_error',
      'conversation_id: expected 8-128 letters, digits, _ or - (or create one with POST /v1/conversations)',
    )
  }
  // Many visitors can share one anonymous identity (an IPv6 /64): only unguessable server-issued ids.
  if (identity.kind === 'anonymous' && !isServerIssued(ref.id)) {
    if (ref.implicit) return undefined
    throw new GatewayError(
      'invalid_request_error',
      'conversation_id: anonymous visitors use ids issued by POST /v1/conversations, not ids of their own',
    )
  }
  return ref
}

/**
 * Loads the conversation and merges the request's messages into it: the stored turns, then what
 * this request adds. A body of UI messages (useChat sends the whole chat every time) adds only its
 * last message once something is stored; other bodies send only the new turn. A conversation this
 * identity does not own, or one an anonymous visitor did not create first, is a 404.
 */
export async function loadTurn(
  store: ConversationStore,
  ref: ConversationRef,
  identity: Identity,
  messages: Anthropic.MessageParam[],
  now: number,
): Promise<ConversationTurn> {
  const stored = await store.get(identity.id, ref.id).catch((error: unknown) => {
    throw storeDown(error)
  })
  if (!stored && identity.kind === 'anonymous') {
    throw new GatewayError('not_found_error', `No conversation ${ref.id}: it expired or was deleted. Start a new one.`)
  }
  const conversation = stored ?? { id: ref.id, owner: identity.id, createdAt: now, updatedAt: now, title: '', messages: [] }
  // Regenerate: the stored turns up to the last user message, which is answered again (not added twice).
  const asked = ref.regenerate ? lastQuestion(conversation.messages) : -1
  if (asked >= 0) return { conversation: { ...conversation, messages: conversation.messages.slice(0, asked + 1) }, added: [] }
  const added = conversation.messages.length && ref.implicit ? messages.slice(-1) : messages
  return { conversation, added }
}

/** Index of the last user message that asks something (not one that only returns tool results), or -1. */
function lastQuestion(messages: Anthropic.MessageParam[]): number {
  for (let i = messages.length - 1; i >= 0; i--) {
    const { role, content } = messages[i]!
    if (role === 'user' && (typeof content === 'string' || content.some((b) => b.type !== 'tool_result'))) return i
  }
  return -1
}

/** The conversation after a turn: stored + added + the loop's turns + the answer, pruned to the bounds. */
export function nextConversation(
  turn: ConversationTurn,
  reply: Anthropic.MessageParam[],
  bounds: ConversationBounds,
  tokenizer: Tokenizer,
  now: number,
): Conversation {
  const { conversation, added } = turn
  const all = [...conversation.messages, ...added, ...reply]
  const { messages } = pruneConversation(all, bounds, (m) => messageTokens(m, tokenizer))
  return { ...conversation, updatedAt: now, title: conversation.title || titleOf(all), messages }
}

/** The first user text, at most 80 characters. */
function titleOf(messages: Anthropic.MessageParam[]): string {
  for (const message of messages) {
    if (message.role !== 'user') continue
    const text =
      typeof message.content === 'string'
        ? message.content
        : message.content
            .filter((b) => b.type === 'text')
            .map((b) => b.text)
            .join(' ')
    const line = text.replace(/\s+/g, ' ').trim()
    if (line) return line.length > 80 ? `${line.slice(0, 79)}…` : line
  }
  return ''
}

/** The store did not answer: nothing was spent yet, and the history cannot be guessed. */
export function storeDown(cause: unknown): GatewayError {
  return new GatewayError(
    'overloaded_error',
    'Conversations cannot be read or written right now (the store did not answer). Retry in a moment.',
    {
      cause,
      headers: { 'retry-after': '5' },
    },
  )
}
