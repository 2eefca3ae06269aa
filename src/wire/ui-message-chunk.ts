/**
 * The parts of the AI SDK UI message stream (protocol v1) the gateway writes: a subset of the
 * pinned `ai` package's `uiMessageChunkSchema`, with only fields that schema knows
 * (test/stream checks every part we write against it).
 */
export type UIMessageChunk =
  | { type: 'start'; messageId?: string; messageMetadata?: unknown }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | { type: 'reasoning-end'; id: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string; providerExecuted?: boolean; dynamic?: boolean }
  | { type: 'tool-input-delta'; toolCallId: string; inputTextDelta: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown; providerExecuted?: boolean; dynamic?: boolean }
  | {
      type: 'tool-input-error'
      toolCallId: string
      toolName: string
      input: unknown
      errorText: string
      providerExecuted?: boolean
      dynamic?: boolean
    }
  | {
      type: 'tool-output-available'
      toolCallId: string
      output: unknown
      providerExecuted?: boolean
      dynamic?: boolean
      preliminary?: boolean
    }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string; providerExecuted?: boolean; dynamic?: boolean }
  | { type: 'message-metadata'; messageMetadata: unknown }
  | { type: `data-${string}`; id?: string; data: unknown; transient?: boolean }
  | { type: 'error'; errorText: string }
  | { type: 'finish'; finishReason?: UIFinishReason; messageMetadata?: unknown }

/** `finishReason` values the pinned `ai` package accepts. */
export type UIFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'interrupted' | 'other'
