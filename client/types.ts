import type { ChatStreamMetadata, UIFinishReason, Usage } from '../src/wire/index.ts'

/** A message as the server's `messages` array takes it (docs/http.md, "Chat request"). */
export interface ChatMessage {
  role: 'user' | 'assistant'
  /** A string, or Anthropic content blocks (text, image, document, tool_use, tool_result). */
  content: string | readonly Record<string, unknown>[]
}

/** Token counts of the whole request, as the server reports them on the finish part. */
export type ChatUsage = Usage

/**
 * The message's metadata: what the server puts in `messageMetadata` (finish part, `message-metadata`
 * parts), merged. Every field is optional until the finish part arrives; other servers may add fields.
 */
export interface ChatMetadata extends Partial<ChatStreamMetadata> {
  [key: string]: unknown
}

/** Finish reasons of the pinned `ai` UI message stream protocol. */
export type FinishReason = UIFinishReason

export type ToolCallState = 'input-streaming' | 'input-available' | 'output-available' | 'output-error'

/** One tool call of the reply, updated in place as its parts arrive. */
export interface ToolCall {
  toolCallId: string
  toolName: string
  state: ToolCallState
  /** The raw input JSON text streamed so far (while `state` is `input-streaming`). */
  inputText: string
  /** The parsed input, once `state` is `input-available` or later. */
  input?: unknown
  /** The tool's output, when `state` is `output-available`. */
  output?: unknown
  /** What went wrong, when `state` is `output-error`. */
  errorText?: string
  /** True when the server ran the tool; false/undefined for client tools the page must run. */
  providerExecuted?: boolean
}

/** The parts of the reply in the order they arrived, so a UI can interleave text and tools. */
export type ReplyPart =
  | { type: 'text'; id: string; text: string }
  | { type: 'reasoning'; id: string; text: string }
  | { type: 'tool'; toolCall: ToolCall }

/** A completed reply. */
export interface ChatResult {
  /** All text parts, joined by a blank line. */
  text: string
  /** All reasoning parts, joined by a blank line. */
  reasoning: string
  parts: ReplyPart[]
  toolCalls: ToolCall[]
  finishReason: FinishReason | undefined
  messageId: string | undefined
  metadata: ChatMetadata
  /** Shortcuts into `metadata`. */
  model: string | undefined
  usage: ChatUsage | undefined
  costUsd: number | undefined
  requestId: string | undefined
  /** With an `output_schema`: the answer parsed and checked by the server (structured output). */
  object: unknown
}

/** Events of one reply, in arrival order. */
export type ChatEvent =
  | { type: 'start'; messageId: string | undefined }
  | { type: 'step-start' }
  | { type: 'step-finish' }
  | { type: 'text'; id: string; delta: string; text: string }
  | { type: 'reasoning'; id: string; delta: string; text: string }
  | { type: 'tool-input-start'; toolCall: ToolCall }
  | { type: 'tool-input-delta'; toolCall: ToolCall; delta: string }
  | { type: 'tool-call'; toolCall: ToolCall }
  | { type: 'tool-result'; toolCall: ToolCall }
  | { type: 'tool-error'; toolCall: ToolCall }
  | { type: 'metadata'; metadata: ChatMetadata }
  /**
   * A `data-<name>` part (`name` without the prefix), e.g. `queued` (`{ position, waitMs }`) while
   * the request waits for a free upstream slot. Not reply content: it never blocks a retry.
   */
  | { type: 'data'; name: string; data: unknown; id?: string; transient?: boolean }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string }
  | { type: 'finish'; result: ChatResult }

/**
 * A part of an AI SDK `UIMessage` as `GET /v1/conversations/:id` returns it: `text`,
 * `reasoning`, `file`, `step-start`, `tool-<name>` or `dynamic-tool` (with `toolCallId`, `state`,
 * `input`, `output` or `errorText`).
 */
export interface UIMessagePart {
  type: string
  text?: string
  toolCallId?: string
  toolName?: string
  state?: string
  input?: unknown
  output?: unknown
  errorText?: string
  providerExecuted?: boolean
  mediaType?: string
  url?: string
  [field: string]: unknown
}

/** An AI SDK `UIMessage` (what `useChat` holds), as stored conversations return them. */
export interface UIMessage {
  id: string
  role: 'user' | 'assistant' | 'system'
  parts: UIMessagePart[]
}

/** A stored conversation (`GET /v1/conversations/:id`). */
export interface Conversation {
  id: string
  /** The first user text, up to 80 characters. */
  title: string
  /** ISO 8601 times. */
  createdAt: string
  updatedAt: string
  /** The turns as AI SDK UI messages (one assistant message per answer, tool calls folded in). */
  uiMessages: UIMessage[]
  /** The same turns as Anthropic messages. */
  messages: ChatMessage[]
}
