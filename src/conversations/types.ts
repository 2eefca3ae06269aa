import type Anthropic from '@anthropic-ai/sdk'

/** One stored conversation: the history exactly as it is sent upstream, owned by one identity. */
export interface Conversation {
  id: string
  /** The identity that created it (`key:…`, `session:…`, `ip:…`): only it can read, extend or delete it. */
  owner: string
  /** Epoch ms. */
  createdAt: number
  /** Epoch ms of the last turn; the idle TTL (`CONVERSATION_TTL`) counts from it. */
  updatedAt: number
  /** The first user text, at most 80 characters, for lists. */
  title: string
  /**
   * The turns as Anthropic messages, tool steps and their results included. Stored and sent
   * byte-identical from turn to turn, so a prompt-cache prefix stays valid until pruning.
   */
  messages: Anthropic.MessageParam[]
}

/** What `GET /v1/conversations` lists. */
export interface ConversationSummary {
  id: string
  title: string
  createdAt: number
  updatedAt: number
  messageCount: number
}

export interface ConversationPage {
  /** Newest first (by `updatedAt`). */
  conversations: ConversationSummary[]
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string
}

/**
 * Where conversations live: Upstash (`RedisConversationStore`) in production, Durable Object
 * storage without Upstash (never a Worker isolate's memory: the Worker and the Durable Object that
 * runs a generation do not share one).
 */
export interface ConversationStore {
  /** Undefined when it does not exist, belongs to another owner, or is past its idle TTL. */
  get(owner: string, id: string): Promise<Conversation | undefined>
  /** Creates or replaces it, refreshes its idle TTL and the owner's index. */
  put(conversation: Conversation): Promise<void>
  /**
   * The owner's live conversations, newest first. `limit` is brought into 1–100; `cursor` is a
   * previous page's `nextCursor` (anything else throws a 400 `invalid_request_error` GatewayError).
   */
  list(owner: string, options: { limit: number; cursor?: string }): Promise<ConversationPage>
  /** False when there was nothing to delete (or only an expired conversation). */
  delete(owner: string, id: string): Promise<boolean>
}

/** The bounds of a stored conversation (CONVERSATION_MAX_MESSAGES, CONVERSATION_MAX_TOKENS, CONVERSATION_TTL). */
export interface ConversationBounds {
  maxMessages: number
  maxTokens: number
  /** Idle time after which a conversation is gone, in ms. */
  ttlMs: number
}
